// Loaded collections on SQLite and PostgreSQL: one SELECT on first use, add / remove / assign written at
// flush (INSERT, UPDATE to NULL, orphan DELETE), raise and noload, back_populates kept in step in memory.
#include <algorithm>
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
using reltest::Note;
using reltest::Parent;

using CollectionTest = ormc_test::RelationshipTest;

std::vector<std::string> names(ormc::Collection<Child>& children) {
  std::vector<std::string> out;
  for (const auto& c : children) out.push_back(c->name());
  return out;
}

TEST_F(CollectionTest, FirstUseLoadsWithOneOrderedSelect) {
  const std::int32_t pid = stored_parent({"b", "c", "a"});
  ormc::Session session(*db_);
  auto parent = session.get<Parent>(pid);
  log_->clear();
  EXPECT_EQ(names(parent->children()), (std::vector<std::string>{"a", "b", "c"})) << "order_by = Child.name";
  EXPECT_EQ(parent->children().size(), 3u);
  EXPECT_FALSE(parent->children().empty());
  EXPECT_EQ(names(parent->children()).size(), 3u);
  const auto sql = log_->sql();
  ASSERT_EQ(sql.size(), 1u) << dump();
  EXPECT_TRUE(starts_with(sql[0], "SELECT rel_child.id, rel_child.name, rel_child.parent_id FROM rel_child WHERE rel_child.parent_id = "))
      << sql[0];
  EXPECT_TRUE(contains(sql[0], "ORDER BY rel_child.name")) << sql[0];
}

TEST_F(CollectionTest, LoadedChildrenKnowTheirParentWithoutSql) {
  const std::int32_t pid = stored_parent({"a", "b"});
  ormc::Session session(*db_);
  auto parent = session.get<Parent>(pid);
  auto children = parent->children().to_vector();
  log_->clear();
  for (const auto& c : children) EXPECT_EQ(c->parent(), parent);
  EXPECT_EQ(log_->size(), 0u) << "the parent is in the identity map" << dump();
}

TEST_F(CollectionTest, AddToPersistentParentLoadsThenInsertsAtFlush) {
  const std::int32_t pid = stored_parent({"a"});
  ormc::Session session(*db_);
  auto parent = session.get<Parent>(pid);
  log_->clear();
  auto added = Child::create({.name = "z"});
  parent->children().add(added);
  EXPECT_TRUE(parent->children().contains(added));
  EXPECT_EQ(added->parent(), parent) << "back_populates set in memory";
  session.commit();
  const auto entries = log_->entries();
  ASSERT_EQ(entries.size(), 2u) << "SQLAlchemy's append loads the collection first" << dump();
  EXPECT_TRUE(starts_with(entries[0].sql, "SELECT rel_child.")) << entries[0].sql;
  EXPECT_TRUE(starts_with(entries[1].sql, "INSERT INTO rel_child ")) << entries[1].sql;
  EXPECT_TRUE(std::find(entries[1].params.begin(), entries[1].params.end(), ormc::Value(pid)) != entries[1].params.end())
      << "the foreign key is the parent's id";
}

TEST_F(CollectionTest, RemoveWithDeleteOrphanDeletesTheRow) {
  const std::int32_t pid = stored_parent({"a", "b"});
  ormc::Session session(*db_);
  auto parent = session.get<Parent>(pid);
  auto a = parent->children()[0];
  log_->clear();
  parent->children().remove(a);
  EXPECT_EQ(parent->children().size(), 1u);
  EXPECT_EQ(a->parent(), nullptr);
  session.commit();
  const auto sql = log_->sql();
  ASSERT_EQ(sql.size(), 1u) << dump();
  EXPECT_TRUE(starts_with(sql[0], "DELETE FROM rel_child WHERE ")) << sql[0];
  ormc::Session fresh(*db_);
  EXPECT_EQ(fresh.scalars(ormc::select<Child>()).all().size(), 1u);
}

TEST_F(CollectionTest, RemoveWithoutDeleteOrphanSetsForeignKeyNull) {
  std::int32_t aid = 0;
  {
    ormc::Session s(*db_);
    auto author = Author::create({.name = "a"});
    author->books().add(Book::create({.title = "t1"}));
    author->books().add(Book::create({.title = "t2"}));
    s.add(author);
    s.commit();
    aid = author->id();
  }
  ormc::Session session(*db_);
  auto author = session.get<Author>(aid);
  auto first = author->books()[0];
  log_->clear();
  author->books().remove(first);
  EXPECT_EQ(first->author(), nullptr);
  session.commit();
  const auto entries = log_->entries();
  ASSERT_EQ(entries.size(), 1u) << dump();
  EXPECT_TRUE(starts_with(entries[0].sql, "UPDATE rel_book SET author_id = ")) << entries[0].sql;
  EXPECT_TRUE(entries[0].params[0].is_null());
  ormc::Session fresh(*db_);
  EXPECT_EQ(fresh.scalars(ormc::select<Book>()).all().size(), 2u) << "the row stays";
}

// Beyond SQLAlchemy: removing an object that is not in the collection is refused instead of nulling
// another parent's foreign key.
TEST_F(CollectionTest, RemovingANonMemberIsRefused) {
  const std::int32_t pid = stored_parent({"a"});
  ormc::Session session(*db_);
  auto parent = session.get<Parent>(pid);
  auto other = Parent::create({.name = "other"});
  session.add(other);
  session.flush();
  auto stranger = parent->children()[0];
  log_->clear();
  try {
    other->children().remove(stranger);
    FAIL() << "removing a non-member must throw";
  } catch (const ormc::InvalidRequestError& e) {
    EXPECT_TRUE(contains(e.what(), "Parent.children")) << e.what();
  }
  session.commit();
  EXPECT_EQ(log_->count("UPDATE"), 0u) << dump();
  EXPECT_EQ(log_->count("DELETE"), 0u) << dump();
  EXPECT_EQ(stranger->parent_id(), std::optional<std::int32_t>(pid));
}

TEST_F(CollectionTest, RaiseCollectionRefusesAccessNamingTheRelationship) {
  std::int32_t aid = 0;
  {
    ormc::Session s(*db_);
    auto author = Author::create({.name = "a"});
    s.add(author);
    s.commit();
    aid = author->id();
  }
  ormc::Session session(*db_);
  auto author = session.get<Author>(aid);
  log_->clear();
  try {
    (void)author->drafts().size();
    FAIL() << "lazy = raise must throw";
  } catch (const ormc::InvalidRequestError& e) {
    EXPECT_TRUE(contains(e.what(), "Author.drafts")) << e.what();
    EXPECT_TRUE(contains(e.what(), "raise")) << e.what();
  }
  EXPECT_EQ(log_->size(), 0u) << dump();
}

TEST_F(CollectionTest, NoloadNeverLoadsAndStaysWritable) {
  std::int32_t aid = 0;
  {
    ormc::Session s(*db_);
    auto author = Author::create({.name = "a"});
    author->notes().add(Note::create({.text = "stored"}));
    s.add(author);
    s.commit();
    aid = author->id();
  }
  ormc::Session session(*db_);
  auto author = session.get<Author>(aid);
  log_->clear();
  EXPECT_TRUE(author->notes().empty()) << "noload: freshly loaded objects have an empty collection";
  auto note = Note::create({.text = "new"});
  author->notes().add(note);
  EXPECT_EQ(author->notes().size(), 1u);
  session.commit();
  const auto entries = log_->entries();
  ASSERT_EQ(entries.size(), 1u) << dump();
  EXPECT_TRUE(starts_with(entries[0].sql, "INSERT INTO rel_note ")) << entries[0].sql;
  ormc::Session fresh(*db_);
  EXPECT_EQ(fresh.scalars(ormc::select<Note>().where(Note::c.author_id == aid)).all().size(), 2u);
}

TEST_F(CollectionTest, SetParentAppendsToLoadedCollection) {
  const std::int32_t pid = stored_parent({"a"});
  ormc::Session session(*db_);
  auto parent = session.get<Parent>(pid);
  (void)parent->children().size();
  log_->clear();
  auto child = Child::create({.name = "b"});
  child->set_parent(parent);
  EXPECT_TRUE(parent->children().contains(child));
  EXPECT_EQ(parent->children().size(), 2u);
  EXPECT_EQ(log_->size(), 0u) << dump();
  session.commit();
  const auto sql = log_->sql();
  ASSERT_EQ(sql.size(), 1u) << "the child came into the Session through the backref" << dump();
  EXPECT_TRUE(starts_with(sql[0], "INSERT INTO rel_child ")) << sql[0];
}

TEST_F(CollectionTest, SetParentDoesNotLoadAnUnloadedCollection) {
  const std::int32_t pid = stored_parent({"a"});
  ormc::Session session(*db_);
  auto parent = session.get<Parent>(pid);
  log_->clear();
  auto child = Child::create({.name = "b"});
  child->set_parent(parent);
  session.add(child);
  session.flush();
  auto sql = log_->sql();
  ASSERT_EQ(sql.size(), 1u) << "no SELECT of parent.children" << dump();
  EXPECT_TRUE(starts_with(sql[0], "INSERT INTO rel_child ")) << sql[0];
  log_->clear();
  EXPECT_EQ(parent->children().size(), 2u);
  EXPECT_TRUE(parent->children().contains(child));
  EXPECT_EQ(log_->count("SELECT"), 1u) << dump();
}

TEST_F(CollectionTest, MovingAChildBetweenLoadedCollections) {
  const std::int32_t pid = stored_parent({"a"});
  ormc::Session session(*db_);
  auto first = session.get<Parent>(pid);
  auto child = first->children()[0];
  auto second = Parent::create({.name = "second"});
  session.add(second);
  second->children().add(child);
  EXPECT_TRUE(first->children().empty()) << "back_populates took it out of the old parent's loaded collection";
  EXPECT_EQ(child->parent(), second);
  log_->clear();
  session.commit();
  const auto sql = log_->sql();
  ASSERT_EQ(sql.size(), 2u) << dump();
  EXPECT_TRUE(starts_with(sql[0], "INSERT INTO rel_parent ")) << sql[0];
  EXPECT_TRUE(starts_with(sql[1], "UPDATE rel_child SET parent_id = ")) << sql[1];
  EXPECT_EQ(log_->count("DELETE"), 0u) << "moved, not orphaned";
}

TEST_F(CollectionTest, AssignReplacesTheContents) {
  const std::int32_t pid = stored_parent({"a", "b"});
  ormc::Session session(*db_);
  auto parent = session.get<Parent>(pid);
  auto keep = parent->children()[1];
  auto fresh = Child::create({.name = "c"});
  log_->clear();
  parent->children().assign({keep, fresh});
  EXPECT_EQ(names(parent->children()), (std::vector<std::string>{"b", "c"}));
  session.commit();
  EXPECT_EQ(log_->count("DELETE FROM rel_child"), 1u) << "a is an orphan" << dump();
  EXPECT_EQ(log_->count("INSERT INTO rel_child"), 1u) << dump();
  EXPECT_EQ(log_->size(), 2u) << dump();
}

// Beyond SQLAlchemy: an unflushed add() survives expire(parent).
TEST_F(CollectionTest, PendingAddSurvivesExpireOfTheParent) {
  const std::int32_t pid = stored_parent({"a"});
  ormc::Session session(*db_, {.autoflush = false});
  auto parent = session.get<Parent>(pid);
  auto child = Child::create({.name = "b"});
  parent->children().add(child);
  session.expire(parent);
  EXPECT_TRUE(parent->children().contains(child)) << "reloaded rows plus the unflushed add";
  EXPECT_EQ(parent->children().size(), 2u);
  session.commit();
  ormc::Session fresh(*db_);
  EXPECT_EQ(fresh.get<Parent>(pid)->children().size(), 2u);
}

TEST_F(CollectionTest, CommitExpiresTheCollection) {
  const std::int32_t pid = stored_parent({"a"});
  ormc::Session session(*db_);
  auto parent = session.get<Parent>(pid);
  EXPECT_EQ(parent->children().size(), 1u);
  {
    ormc::Session other(*db_);
    auto p = other.get<Parent>(pid);
    p->children().add(Child::create({.name = "b"}));
    other.commit();
  }
  session.commit();  // expire_on_commit: the collection loads again
  log_->clear();
  EXPECT_EQ(parent->children().size(), 2u);
  EXPECT_EQ(log_->count("SELECT rel_child."), 1u) << dump();
}

}  // namespace
