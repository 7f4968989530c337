// The merge cascade on SQLite and PostgreSQL: Session::merge() follows relationships with `merge` in their
// cascade (loaded collections and known references of the source), once per object, as SQLAlchemy's _merge.
#include <memory>
#include <string>
#include <vector>

#include "relationship_fixture.hpp"

namespace {

using ormc::ObjectState;
using ormc_test::contains;
using ormc_test::starts_with;
using reltest::Child;
using reltest::Crate;
using reltest::Message;
using reltest::Parent;
using reltest::Person;
using reltest::Slot;

class MergeCascadeTest : public ormc_test::RelationshipTest {
 protected:
  /// Parent `id` with its children loaded, detached (its Session closed; nothing expired).
  /// `with_references`: each child's reference to the parent is loaded too (a cycle in memory).
  std::shared_ptr<Parent> detached_parent_with_children(std::int32_t id, bool with_references = false) {
    ormc::Session s(*db_, {.expire_on_commit = false});
    auto parent = s.get<Parent>(id);
    EXPECT_FALSE(parent->children().empty());
    if (with_references) {
      for (const auto& c : parent->children()) EXPECT_EQ(c->parent(), parent);
    }
    s.close();
    log_->clear();
    return parent;
  }
  std::shared_ptr<Child> child_named(const std::shared_ptr<Parent>& parent, const std::string& name) {
    for (const auto& c : parent->children())
      if (c->name() == name) return c;
    return nullptr;
  }
};

TEST_F(MergeCascadeTest, LoadedCollectionIsMergedItemByItem) {
  const std::int32_t id = stored_parent({"a", "b"});
  auto detached = detached_parent_with_children(id);
  child_named(detached, "a")->set_name("a2");

  ormc::Session session(*db_, {.expire_on_commit = false});
  auto merged = session.merge(detached);
  ASSERT_NE(merged, detached);
  const auto entries = log_->entries();
  // SQLAlchemy: the parent by key, then the destination collection (so each child's merge finds its
  // row in the identity map): two SELECTs, none per child.
  ASSERT_EQ(entries.size(), 2u) << dump();
  EXPECT_TRUE(starts_with(entries[0].sql, "SELECT rel_parent.")) << entries[0].sql;
  EXPECT_TRUE(starts_with(entries[1].sql, "SELECT rel_child.")) << entries[1].sql;
  EXPECT_TRUE(contains(entries[1].sql, "WHERE rel_child.parent_id = ")) << entries[1].sql;

  log_->clear();
  ASSERT_EQ(merged->children().size(), 2u);
  EXPECT_EQ(log_->size(), 0u) << "the merged collection is loaded" << dump();
  auto a = merged->children()[0];
  EXPECT_EQ(a->name(), "a2");
  EXPECT_NE(a, child_named(detached, "a2")) << "the Session's own child, not the detached one";
  EXPECT_EQ(state_of(*a), ObjectState::Persistent);
  EXPECT_TRUE(session.is_modified(a));
  EXPECT_FALSE(session.is_modified(merged->children()[1]));
  EXPECT_EQ(a->parent(), merged) << "back_populates names the merged parent without SQL";
  EXPECT_EQ(log_->size(), 0u) << dump();

  session.commit();
  const auto flush = log_->entries();
  ASSERT_EQ(flush.size(), 1u) << dump();
  EXPECT_TRUE(starts_with(flush[0].sql, "UPDATE rel_child SET name = ")) << flush[0].sql;
}

TEST_F(MergeCascadeTest, TransientGraphBecomesPendingCopies) {
  ormc::Session session(*db_, {.expire_on_commit = false});
  auto parent = Parent::create({.name = "p"});
  parent->children().add(Child::create({.name = "a"}));
  parent->children().add(Child::create({.name = "b"}));
  auto merged = session.merge(parent);
  EXPECT_EQ(log_->size(), 0u) << "no keys: nothing to look up" << dump();
  EXPECT_EQ(state_of(*merged), ObjectState::Pending);
  EXPECT_EQ(state_of(*parent), ObjectState::Transient);
  ASSERT_EQ(merged->children().size(), 2u);
  for (const auto& c : merged->children()) {
    EXPECT_EQ(state_of(*c), ObjectState::Pending);
    EXPECT_EQ(c->parent(), merged);
  }
  for (const auto& c : parent->children()) EXPECT_EQ(state_of(*c), ObjectState::Transient) << "the source stays out";

  session.commit();
  const auto entries = log_->entries();
  ASSERT_EQ(entries.size(), 2u) << dump();
  EXPECT_TRUE(starts_with(entries[0].sql, "INSERT INTO rel_parent ")) << entries[0].sql;
  EXPECT_TRUE(starts_with(entries[1].sql, "INSERT INTO rel_child ")) << entries[1].sql;
  const auto rows = ormc_test::inserted_rows(entries[1]);
  ASSERT_EQ(rows.size(), 2u) << "both children, with the new parent's key";
  for (const auto& row : rows) EXPECT_EQ(row[1], std::to_string(merged->id()));
  for (const auto& c : merged->children()) EXPECT_EQ(c->parent_id(), std::optional<std::int32_t>(merged->id()));
}

TEST_F(MergeCascadeTest, ChildTheSourceNoLongerHoldsLeavesTheMergedCollection) {
  const std::int32_t id = stored_parent({"a", "b"});
  auto detached = detached_parent_with_children(id);
  detached->children().remove(child_named(detached, "b"));

  ormc::Session session(*db_);
  auto merged = session.merge(detached);
  ASSERT_EQ(merged->children().size(), 1u);
  EXPECT_EQ(merged->children()[0]->name(), "a");
  log_->clear();
  session.commit();
  // Parent.children is "all, delete-orphan": the child that left is deleted, as SQLAlchemy's
  // collection set() during merge.
  const auto entries = log_->entries();
  ASSERT_EQ(entries.size(), 1u) << dump();
  EXPECT_TRUE(starts_with(entries[0].sql, "DELETE FROM rel_child ")) << entries[0].sql;
  ormc::Session check(*db_);
  EXPECT_EQ(check.scalars(ormc::select<Child>()).all().size(), 1u);
}

TEST_F(MergeCascadeTest, BackPopulatesCycleIsMergedOnce) {
  const std::int32_t id = stored_parent({"a", "b"});
  auto detached = detached_parent_with_children(id, true);
  for (const auto& c : detached->children()) ASSERT_EQ(c->parent(), detached) << "parent -> children -> parent";

  ormc::Session session(*db_, {.expire_on_commit = false});
  log_->clear();
  auto merged = session.merge(detached);
  EXPECT_EQ(log_->count("SELECT rel_parent."), 1u) << "the parent is looked up once" << dump();
  EXPECT_EQ(log_->count("SELECT rel_child."), 1u) << dump();
  EXPECT_EQ(log_->size(), 2u) << dump();
  for (const auto& c : merged->children()) EXPECT_EQ(c->parent(), merged);
  log_->clear();
  session.commit();
  EXPECT_EQ(log_->size(), 0u) << "nothing differed" << dump();
}

TEST_F(MergeCascadeTest, MergingAChildFollowsItsKnownParent) {
  const std::int32_t id = stored_parent({"a"});
  std::shared_ptr<Child> detached;
  std::shared_ptr<Parent> parent;  // a reference holds a flushed target weakly: the caller keeps it
  {
    ormc::Session s(*db_, {.expire_on_commit = false});
    parent = s.get<Parent>(id);
    detached = parent->children()[0];
    ASSERT_EQ(detached->parent(), parent);
    s.close();
  }
  parent->set_name("renamed");
  ormc::Session session(*db_, {.expire_on_commit = false});
  log_->clear();
  auto merged = session.merge(detached);
  const auto entries = log_->entries();
  ASSERT_EQ(entries.size(), 2u) << "the child, then its parent (Child.parent cascades merge by default)" << dump();
  EXPECT_TRUE(starts_with(entries[0].sql, "SELECT rel_child.")) << entries[0].sql;
  EXPECT_TRUE(starts_with(entries[1].sql, "SELECT rel_parent.")) << entries[1].sql;
  log_->clear();
  ASSERT_NE(merged->parent(), nullptr);
  EXPECT_EQ(merged->parent()->name(), "renamed");
  EXPECT_EQ(log_->size(), 0u) << dump();
  session.commit();
  ASSERT_EQ(log_->size(), 1u) << dump();
  EXPECT_TRUE(starts_with(log_->entries()[0].sql, "UPDATE rel_parent SET name = ")) << log_->entries()[0].sql;
}

TEST_F(MergeCascadeTest, ReferenceSetToAnotherObjectIsMergedAsTheNewForeignKey) {
  // Message.sender has no back_populates: a detached pair set with set_sender() and never flushed
  // is no reference cycle (with back_populates it would be the caller's to unlink, reference.hpp).
  std::shared_ptr<Message> message;
  std::shared_ptr<Person> bob;
  {
    ormc::Session s(*db_, {.expire_on_commit = false});
    auto ann = Person::create({.name = "ann"});
    bob = Person::create({.name = "bob"});
    s.add(ann);
    s.add(bob);
    s.flush();
    message = Message::create({.sender_id = ann->id(), .recipient_id = ann->id()});
    s.add(message);
    s.commit();
    s.close();
  }
  message->set_sender(bob);
  ormc::Session session(*db_, {.expire_on_commit = false});
  log_->clear();
  auto merged = session.merge(message);
  EXPECT_EQ(log_->count("SELECT rel_message."), 1u) << dump();
  EXPECT_EQ(log_->count("SELECT rel_person."), 1u) << "the new sender, merged along Message.sender" << dump();
  EXPECT_EQ(merged->sender()->name(), "bob");
  log_->clear();
  session.commit();
  const auto entries = log_->entries();
  ASSERT_EQ(entries.size(), 1u) << dump();
  EXPECT_TRUE(starts_with(entries[0].sql, "UPDATE rel_message SET sender_id = ")) << entries[0].sql;
  EXPECT_EQ(merged->sender_id(), bob->id());
}

TEST_F(MergeCascadeTest, UnloadedCollectionOfTheSourceIsNotTouched) {
  const std::int32_t id = stored_parent({"a", "b"});
  std::shared_ptr<Parent> detached;
  {
    ormc::Session s(*db_, {.expire_on_commit = false});
    detached = s.get<Parent>(id);
    s.close();
  }
  ormc::Session session(*db_);
  log_->clear();
  auto merged = session.merge(detached);
  ASSERT_EQ(log_->size(), 1u) << "the parent only: its collection was never loaded" << dump();
  log_->clear();
  session.commit();
  EXPECT_EQ(log_->size(), 0u) << dump();
  ormc::Session check(*db_);
  EXPECT_EQ(check.get<Parent>(id)->children().size(), 2u) << "an unloaded source collection removes nothing";
}

TEST_F(MergeCascadeTest, RelationshipWithoutMergeCascadeIsNotFollowed) {
  std::int32_t crate_id = 0;
  std::int32_t slot_id = 0;
  {
    ormc::Session s(*db_);
    auto crate = Crate::create({.name = "c"});
    auto slot = Slot::create({.name = "s"});
    crate->slots().add(slot);
    s.add(crate);
    s.commit();
    crate_id = crate->id();
    slot_id = slot->id();
  }
  std::shared_ptr<Crate> detached;
  {
    ormc::Session s(*db_, {.expire_on_commit = false});
    detached = s.get<Crate>(crate_id);
    ASSERT_EQ(detached->slots().size(), 1u);
    s.close();
  }
  detached->slots()[0]->set_name("changed");
  ormc::Session session(*db_);
  log_->clear();
  auto merged = session.merge(detached);
  ASSERT_EQ(log_->size(), 1u) << "Crate.slots is save-update only: the slots are not merged" << dump();
  EXPECT_TRUE(starts_with(log_->entries()[0].sql, "SELECT rel_crate.")) << log_->entries()[0].sql;
  session.commit();
  ormc::Session check(*db_);
  EXPECT_EQ(check.get<Slot>(slot_id)->name(), "s");
}

}  // namespace
