// Many-to-one references on SQLite and PostgreSQL: lazy load, identity-map hits without SQL, foreign
// keys written at flush (parent INSERTed first), NULL, two references to one target, detached loads,
// lazy = "raise".
#include <memory>
#include <string>

#include "relationship_fixture.hpp"

namespace {

using ormc_test::contains;
using ormc_test::starts_with;
using reltest::Child;
using reltest::Draft;
using reltest::Message;
using reltest::Parent;
using reltest::Person;

using ReferenceTest = ormc_test::RelationshipTest;

// The parent exists only through the child's reference: it is still INSERTed, and first.
TEST_F(ReferenceTest, ParentReachableOnlyThroughReferenceIsInsertedFirst) {
  ormc::Session session(*db_, {.expire_on_commit = false});
  auto child = Child::create({.name = "c"});
  child->set_parent(Parent::create({.name = "only via child"}));
  session.add(child);
  session.commit();
  const auto sql = log_->sql();
  ASSERT_EQ(sql.size(), 2u) << dump();
  EXPECT_TRUE(starts_with(sql[0], "INSERT INTO rel_parent ")) << sql[0];
  EXPECT_TRUE(starts_with(sql[1], "INSERT INTO rel_child ")) << sql[1];
  ASSERT_TRUE(child->parent());
  EXPECT_EQ(child->parent_id(), std::optional<std::int32_t>(child->parent()->id()));
  EXPECT_EQ(child->parent()->name(), "only via child");
}

TEST_F(ReferenceTest, TargetInIdentityMapCostsNoSql) {
  const std::int32_t pid = stored_parent({"a"});
  ormc::Session session(*db_);
  auto parent = session.get<Parent>(pid);
  auto child = session.scalars(ormc::select<Child>()).one();
  log_->clear();
  EXPECT_EQ(child->parent(), parent) << "the identity map's object";
  EXPECT_EQ(log_->size(), 0u) << dump();
}

TEST_F(ReferenceTest, LazyLoadIsOneSelectThenMemory) {
  stored_parent({"a"});
  ormc::Session session(*db_);
  auto child = session.scalars(ormc::select<Child>()).one();
  log_->clear();
  auto parent = child->parent();
  ASSERT_TRUE(parent);
  EXPECT_EQ(parent->name(), "p");
  auto again = child->parent();
  EXPECT_EQ(again, parent);
  const auto sql = log_->sql();
  ASSERT_EQ(sql.size(), 1u) << dump();
  EXPECT_TRUE(starts_with(sql[0], "SELECT rel_parent.id, rel_parent.name FROM rel_parent WHERE ")) << sql[0];
}

TEST_F(ReferenceTest, SettingNullWritesNullForeignKey) {
  stored_parent({"a"});
  {
    ormc::Session session(*db_);
    auto child = session.scalars(ormc::select<Child>()).one();
    log_->clear();
    child->set_parent(nullptr);
    EXPECT_EQ(child->parent(), nullptr);
    session.commit();
    const auto sql = log_->sql();
    ASSERT_EQ(sql.size(), 1u) << dump();
    EXPECT_TRUE(starts_with(sql[0], "UPDATE rel_child SET parent_id = ")) << sql[0];
    EXPECT_TRUE(log_->entries()[0].params[0].is_null());
  }
  ormc::Session fresh(*db_);
  auto child = fresh.scalars(ormc::select<Child>()).one();
  EXPECT_FALSE(child->parent_id().has_value());
  log_->clear();
  EXPECT_EQ(child->parent(), nullptr);
  EXPECT_EQ(log_->size(), 0u) << "a NULL foreign key needs no SELECT";
}

TEST_F(ReferenceTest, ReassigningToAnotherPersistentParentUpdatesForeignKey) {
  const std::int32_t first = stored_parent({"a"});
  std::int32_t second = 0;
  {
    ormc::Session session(*db_);
    auto other = Parent::create({.name = "other"});
    session.add(other);
    session.commit();
    second = other->id();
  }
  ASSERT_NE(first, second);
  ormc::Session session(*db_);
  auto child = session.scalars(ormc::select<Child>()).one();
  auto other = session.get<Parent>(second);
  log_->clear();
  child->set_parent(other);
  session.flush();
  const auto entries = log_->entries();
  ASSERT_EQ(entries.size(), 1u) << dump();
  EXPECT_TRUE(starts_with(entries[0].sql, "UPDATE rel_child SET parent_id = ")) << entries[0].sql;
  EXPECT_EQ(entries[0].params[0], ormc::Value(second));
  EXPECT_EQ(child->parent_id(), std::optional<std::int32_t>(second));
}

TEST_F(ReferenceTest, TwoReferencesToOneTargetUseTheirOwnForeignKeys) {
  {
    ormc::Session session(*db_);
    auto message = Message::create({});
    message->set_sender(Person::create({.name = "alice"}));
    message->set_recipient(Person::create({.name = "bob"}));
    session.add(message);
    session.commit();
    const auto sql = log_->sql();
    ASSERT_EQ(sql.size(), 2u) << "both persons in one INSERT, then the message" << dump();
    EXPECT_TRUE(starts_with(sql[0], "INSERT INTO rel_person ")) << sql[0];
    EXPECT_TRUE(starts_with(sql[1], "INSERT INTO rel_message ")) << sql[1];
  }
  ormc::Session session(*db_);
  auto message = session.scalars(ormc::select<Message>()).one();
  EXPECT_EQ(message->sender()->name(), "alice");
  EXPECT_EQ(message->recipient()->name(), "bob");
}

TEST_F(ReferenceTest, DetachedObjectCantLazyLoad) {
  stored_parent({"a"});
  std::shared_ptr<Child> child;
  {
    ormc::Session session(*db_);
    child = session.scalars(ormc::select<Child>()).one();
  }
  try {
    (void)child->parent();
    FAIL() << "a detached object must not load";
  } catch (const ormc::InvalidRequestError& e) {
    EXPECT_TRUE(contains(e.what(), "Child.parent")) << e.what();
  }
}

TEST_F(ReferenceTest, FailedFlushUndoesTheForeignKeyItWrote) {
  ormc::Session session(*db_, {.expire_on_commit = false});
  auto child = Child::create({.name = "c"});
  auto parent = Parent::create({.id = 7, .name = "p"});
  child->set_parent(parent);
  session.add(child);
  session.commit();
  // A second parent with the same key: the flush fails and rolls back; nothing is half-written.
  ormc::Session second(*db_, {.expire_on_commit = false});
  auto clash = Child::create({.name = "d"});
  clash->set_parent(Parent::create({.id = 7, .name = "again"}));
  second.add(clash);
  EXPECT_THROW(second.commit(), ormc::IntegrityError);
  EXPECT_FALSE(clash->parent_id().has_value()) << "the foreign key the failed flush wrote is undone";
  second.rollback();
  ormc::Session fresh(*db_);
  EXPECT_EQ(fresh.scalars(ormc::select<Child>()).all().size(), 1u);
}

TEST_F(ReferenceTest, RaiseReferenceRefusesToLoadButReturnsWhatMemoryHolds) {
  std::int32_t author_id = 0;
  {
    ormc::Session s(*db_);
    auto author = reltest::Author::create({.name = "a"});
    s.add(author);
    s.flush();
    author_id = author->id();
    s.add(Draft::create({.author_id = author_id}));
    s.commit();
  }
  ormc::Session session(*db_);
  auto draft = session.scalars(ormc::select<Draft>()).one();
  log_->clear();
  try {
    (void)draft->author();
    FAIL() << "lazy = raise must throw instead of loading";
  } catch (const ormc::InvalidRequestError& e) {
    EXPECT_TRUE(contains(e.what(), "Draft.author")) << e.what();
  }
  EXPECT_EQ(log_->size(), 0u) << dump();
  auto author = session.get<reltest::Author>(author_id);
  draft->set_author(author);
  EXPECT_EQ(draft->author(), author) << "set in memory: nothing to load";
}

TEST_F(ReferenceTest, RollbackDiscardsAnUnflushedSet) {
  const std::int32_t pid = stored_parent({"a"});
  ormc::Session session(*db_, {.autoflush = false});
  auto child = session.scalars(ormc::select<Child>()).one();
  auto other = Parent::create({.name = "other"});
  child->set_parent(other);
  EXPECT_EQ(child->parent(), other);
  session.rollback();
  log_->clear();
  auto parent = child->parent();
  ASSERT_TRUE(parent);
  EXPECT_EQ(parent->id(), pid) << "loaded again from the row";
  EXPECT_EQ(log_->count("INSERT"), 0u);
}

}  // namespace
