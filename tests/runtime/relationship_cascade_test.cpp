// Cascades of select-style collections on SQLite and PostgreSQL: save-update, delete collected at
// remove(), passive_deletes true / false (SPEC §4.2, the Organization / Member example), NULLing children
// of a deleted parent without a delete cascade, raise collections handled by the unit of work,
// delete-orphan through a cleared reference, expunge and refresh-expire.
#include <memory>
#include <string>
#include <vector>

#include "relationship_fixture.hpp"

namespace {

using ormc_test::contains;
using ormc_test::starts_with;
using reltest::Author;
using reltest::Book;
using reltest::Child;
using reltest::Club;
using reltest::Draft;
using reltest::Member;
using reltest::Organization;
using reltest::Parent;
using reltest::Player;

using CascadeTest = ormc_test::RelationshipTest;

TEST_F(CascadeTest, AddingAParentAddsItsChildren) {
  ormc::Session session(*db_, {.expire_on_commit = false});
  auto parent = Parent::create({.name = "p"});
  parent->children().add(Child::create({.name = "a"}));
  parent->children().add(Child::create({.name = "b"}));
  session.add(parent);
  session.commit();
  const auto entries = log_->entries();
  ASSERT_EQ(entries.size(), 2u) << "one INSERT for the parent, one multi-row INSERT for the children" << dump();
  EXPECT_TRUE(starts_with(entries[0].sql, "INSERT INTO rel_parent ")) << entries[0].sql;
  EXPECT_TRUE(starts_with(entries[1].sql, "INSERT INTO rel_child ")) << entries[1].sql;
  const auto rows = ormc_test::inserted_rows(entries[1]);
  ASSERT_EQ(rows.size(), 2u) << "two rows (name, parent_id) in one statement";
  EXPECT_EQ(rows[1], (std::vector<std::optional<std::string>>{"b", std::to_string(parent->id())}));
  for (const auto& c : parent->children()) EXPECT_EQ(c->parent_id(), std::optional<std::int32_t>(parent->id()));
}

std::int32_t stored_org(ormc::Database& db, int members) {
  ormc::Session s(db);
  auto org = Organization::create({.name = "org"});
  for (int i = 0; i < members; ++i) org->members().add(Member::create({.name = "m" + std::to_string(i)}));
  s.add(org);
  s.commit();
  return org->org_id();
}

std::size_t member_rows(ormc::Database& db) {
  ormc::Session s(db);
  return s.scalars(ormc::select<Member>()).all().size();
}

// SPEC §4.2 with a select collection, passive_deletes = true, not loaded: exactly one DELETE.
TEST_F(CascadeTest, PassiveDeletesUnloadedCollectionIsOneDelete) {
  const std::int32_t id = stored_org(*db_, 3);
  ormc::Session session(*db_);
  auto org = session.get<Organization>(id);
  log_->clear();
  session.remove(org);
  session.commit();
  const auto sql = log_->sql();
  ASSERT_EQ(sql.size(), 1u) << "the collection is never loaded" << dump();
  EXPECT_TRUE(starts_with(sql[0], "DELETE FROM rel_organizations WHERE org_id = ")) << sql[0];
  EXPECT_EQ(member_rows(*db_), 0u) << "ON DELETE CASCADE removed the members";
}

// passive_deletes = true, collection loaded: the loaded children get their own DELETE (SQLAlchemy).
TEST_F(CascadeTest, PassiveDeletesLoadedCollectionDeletesLoadedChildrenFirst) {
  const std::int32_t id = stored_org(*db_, 2);
  ormc::Session session(*db_);
  auto org = session.get<Organization>(id);
  ASSERT_EQ(org->members().size(), 2u);
  log_->clear();
  session.remove(org);
  EXPECT_EQ(log_->size(), 0u) << "nothing to load at remove()";
  session.commit();
  const auto entries = log_->entries();
  ASSERT_EQ(entries.size(), 2u) << dump();
  EXPECT_TRUE(starts_with(entries[0].sql, "DELETE FROM rel_members WHERE ")) << entries[0].sql;
  EXPECT_EQ(entries[0].params.size(), 2u) << "both members in one statement";
  EXPECT_TRUE(starts_with(entries[1].sql, "DELETE FROM rel_organizations ")) << entries[1].sql;
}

// passive_deletes = false with a delete cascade: remove() loads the collection (one SELECT), the flush
// deletes the children (one batch) and then the parent.
TEST_F(CascadeTest, WithoutPassiveDeletesTheCollectionIsLoadedAtRemove) {
  std::int32_t id = 0;
  {
    ormc::Session s(*db_);
    auto club = Club::create({.name = "club"});
    for (int i = 0; i < 3; ++i) club->players().add(Player::create({.name = "p" + std::to_string(i)}));
    s.add(club);
    s.commit();
    id = club->club_id();
  }
  ormc::Session session(*db_);
  auto club = session.get<Club>(id);
  log_->clear();
  session.remove(club);
  auto sql = log_->sql();
  ASSERT_EQ(sql.size(), 1u) << dump();
  EXPECT_TRUE(starts_with(sql[0], "SELECT rel_players.")) << sql[0];
  log_->clear();
  session.commit();
  const auto entries = log_->entries();
  ASSERT_EQ(entries.size(), 2u) << dump();
  EXPECT_TRUE(starts_with(entries[0].sql, "DELETE FROM rel_players WHERE ")) << entries[0].sql;
  EXPECT_EQ(entries[0].params.size(), 3u);
  EXPECT_TRUE(starts_with(entries[1].sql, "DELETE FROM rel_clubs ")) << entries[1].sql;
}

// No delete cascade, passive_deletes = false: the flush loads the collection and sets each child's
// foreign key to NULL before deleting the parent. A raise collection with a delete cascade is loaded
// by the unit of work (at remove()) although user code may not load it.
TEST_F(CascadeTest, ParentDeleteNullsChildrenAndLoadsRaiseCollectionForCascade) {
  std::int32_t aid = 0;
  {
    ormc::Session s(*db_);
    auto author = Author::create({.name = "a"});
    author->books().add(Book::create({.title = "t1"}));
    author->books().add(Book::create({.title = "t2"}));
    s.add(author);
    s.flush();
    s.add(Draft::create({.author_id = author->id()}));
    s.commit();
    aid = author->id();
  }
  ormc::Session session(*db_);
  auto author = session.get<Author>(aid);
  log_->clear();
  session.remove(author);
  auto sql = log_->sql();
  ASSERT_EQ(sql.size(), 1u) << dump();
  EXPECT_TRUE(starts_with(sql[0], "SELECT rel_draft.")) << "the delete cascade loads the raise collection: " << sql[0];
  log_->clear();
  session.commit();
  sql = log_->sql();
  ASSERT_EQ(sql.size(), 5u) << dump();
  EXPECT_TRUE(starts_with(sql[0], "SELECT rel_book.")) << sql[0];
  EXPECT_TRUE(starts_with(sql[1], "UPDATE rel_book SET author_id = ")) << sql[1];
  EXPECT_TRUE(starts_with(sql[2], "UPDATE rel_book SET author_id = ")) << sql[2];
  EXPECT_TRUE(starts_with(sql[3], "DELETE FROM rel_draft ")) << sql[3];
  EXPECT_TRUE(starts_with(sql[4], "DELETE FROM rel_author ")) << sql[4];
  ormc::Session fresh(*db_);
  const auto books = fresh.scalars(ormc::select<Book>()).all();
  ASSERT_EQ(books.size(), 2u);
  for (const auto& b : books) EXPECT_FALSE(b->author_id().has_value());
}

TEST_F(CascadeTest, DeleteCascadeRecursesThroughLoadedCollections) {
  std::int32_t root_id = 0;
  {
    ormc::Session s(*db_);
    auto root = reltest::Node::create({.data = "root"});
    auto mid = reltest::Node::create({.data = "mid"});
    mid->children().add(reltest::Node::create({.data = "leaf"}));
    root->children().add(mid);
    s.add(root);
    s.commit();
    root_id = root->id();
  }
  ormc::Session session(*db_);
  auto root = session.get<reltest::Node>(root_id);
  log_->clear();
  session.remove(root);
  EXPECT_EQ(log_->count("SELECT rel_node."), 3u) << "root's, mid's and leaf's children" << dump();
  session.commit();
  ormc::Session fresh(*db_);
  EXPECT_TRUE(fresh.scalars(ormc::select<reltest::Node>()).all().empty());
}

// Beyond SQLAlchemy: objects of rows the database deleted by ON DELETE CASCADE are marked deleted.
TEST_F(CascadeTest, PassiveDeleteMarksInSessionChildrenDeleted) {
  const std::int32_t id = stored_org(*db_, 2);
  ormc::Session session(*db_);
  auto org = session.get<Organization>(id);
  auto members = session.scalars(ormc::select<Member>()).all();  // in the Session, not via the collection
  log_->clear();
  session.remove(org);
  session.flush();
  ASSERT_EQ(log_->size(), 1u) << dump();
  for (const auto& m : members) EXPECT_EQ(ormc::state_of(*m), ormc::ObjectState::Deleted);
}

TEST_F(CascadeTest, ClearingTheReferenceOfADeleteOrphanChildDeletesIt) {
  const std::int32_t pid = stored_parent({"a", "b"});
  ormc::Session session(*db_);
  auto parent = session.get<Parent>(pid);
  auto a = parent->children()[0];
  log_->clear();
  a->set_parent(nullptr);
  EXPECT_EQ(parent->children().size(), 1u) << "it left the loaded collection";
  session.commit();
  const auto sql = log_->sql();
  ASSERT_EQ(sql.size(), 1u) << "an orphan DELETE, no UPDATE to NULL" << dump();
  EXPECT_TRUE(starts_with(sql[0], "DELETE FROM rel_child WHERE ")) << sql[0];
}

TEST_F(CascadeTest, ExpungeCascadesToLoadedChildren) {
  const std::int32_t pid = stored_parent({"a", "b"});
  ormc::Session session(*db_);
  auto parent = session.get<Parent>(pid);
  auto children = parent->children().to_vector();
  session.expunge(parent);
  for (const auto& c : children) EXPECT_EQ(ormc::state_of(*c), ormc::ObjectState::Detached);
  EXPECT_EQ(session.identity_map_size(), 0u);
}

TEST_F(CascadeTest, RefreshCascadesToLoadedChildren) {
  const std::int32_t pid = stored_parent({"a"});
  ormc::Session session(*db_);
  auto parent = session.get<Parent>(pid);
  auto child = parent->children()[0];
  // Changed behind the object's back (a bulk UPDATE in the same transaction).
  (void)session.execute(ormc::update<Child>().values(Child::c.name = std::string("renamed")));
  log_->clear();
  session.refresh(parent);
  EXPECT_EQ(log_->count("SELECT rel_parent."), 1u) << dump();
  EXPECT_EQ(log_->count("SELECT rel_child."), 1u) << "the loaded child is refreshed too" << dump();
  EXPECT_EQ(child->name(), "renamed");
}

// passive_deletes = "all": even loaded children are left to the database (ON DELETE SET NULL); their
// objects get the NULL in memory (beyond SQLAlchemy, which leaves them stale).
TEST_F(CascadeTest, PassiveDeletesAllNeverTouchesChildren) {
  std::int32_t folder_id = 0;
  {
    ormc::Session s(*db_);
    auto folder = reltest::Folder::create({});
    folder->files().add(reltest::File::create({}));
    folder->files().add(reltest::File::create({}));
    s.add(folder);
    s.commit();
    folder_id = folder->id();
  }
  ormc::Session session(*db_);
  auto folder = session.get<reltest::Folder>(folder_id);
  auto files = folder->files().to_vector();
  ASSERT_EQ(files.size(), 2u);
  log_->clear();
  session.remove(folder);
  session.flush();
  const auto sql = log_->sql();
  ASSERT_EQ(sql.size(), 1u) << dump();
  EXPECT_TRUE(starts_with(sql[0], "DELETE FROM rel_folder ")) << sql[0];
  for (const auto& f : files) EXPECT_FALSE(f->folder_id().has_value());
  session.commit();
  ormc::Session fresh(*db_);
  for (const auto& f : fresh.scalars(ormc::select<reltest::File>()).all()) EXPECT_FALSE(f->folder_id().has_value());
}

// Many-to-many with passive_deletes = true: an unloaded collection costs nothing (ON DELETE CASCADE on
// the association table); a loaded one gets its association rows deleted first.
TEST_F(CascadeTest, ManyToManyPassiveDeletesLoadedAndUnloaded) {
  std::vector<std::int32_t> ids;
  {
    ormc::Session s(*db_);
    for (int i = 0; i < 2; ++i) {
      auto label = reltest::Label::create({});
      label->items().add(reltest::Item::create({}));
      label->items().add(reltest::Item::create({}));
      s.add(label);
    }
    s.commit();
    for (const auto& l : s.scalars(ormc::select<reltest::Label>()).all()) ids.push_back(l->id());
  }
  ASSERT_EQ(ids.size(), 2u);
  ormc::Session session(*db_);
  auto unloaded = session.get<reltest::Label>(ids[0]);
  auto loaded = session.get<reltest::Label>(ids[1]);
  ASSERT_EQ(loaded->items().size(), 2u);
  log_->clear();
  session.remove(unloaded);
  session.flush();
  ASSERT_EQ(log_->size(), 1u) << dump();
  EXPECT_TRUE(starts_with(log_->sql()[0], "DELETE FROM rel_label ")) << log_->sql()[0];
  log_->clear();
  session.remove(loaded);
  session.flush();
  const auto sql = log_->sql();
  ASSERT_EQ(sql.size(), 2u) << dump();
  EXPECT_TRUE(starts_with(sql[0], "DELETE FROM rel_label_item ")) << sql[0];
  EXPECT_TRUE(starts_with(sql[1], "DELETE FROM rel_label ")) << sql[1];
  session.commit();
  ormc::Session fresh(*db_);
  EXPECT_EQ(fresh.scalars(ormc::select<reltest::Item>()).all().size(), 4u) << "the items stay";
}

}  // namespace
