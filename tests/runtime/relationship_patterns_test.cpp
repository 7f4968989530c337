// Relationship patterns on SQLite and PostgreSQL: a self-referential adjacency list (rows INSERTed in
// dependency order), many-to-many through `secondary` (association rows batched, back_populates), an
// association object, one-to-one from both sides, and post_update (rows that point at each other).
#include <memory>
#include <string>
#include <vector>

#include "relationship_fixture.hpp"

namespace {

using ormc_test::contains;
using ormc_test::starts_with;
using reltest::Account;
using reltest::Course;
using reltest::Enrollment;
using reltest::Entry;
using reltest::Widget;
using reltest::Node;
using reltest::Profile;
using reltest::Student;
using reltest::Post;
using reltest::Tag;

using PatternTest = ormc_test::RelationshipTest;

TEST_F(PatternTest, AdjacencyListInsertsParentsBeforeChildren) {
  ormc::Session session(*db_, {.expire_on_commit = false});
  auto root = Node::create({.data = "root"});
  auto a = Node::create({.data = "a"});
  auto b = Node::create({.data = "b"});
  root->children().add(a);
  root->children().add(b);
  a->children().add(Node::create({.data = "a1"}));
  // Added leaf first: the unit of work still INSERTs the rows each one references first.
  session.add(a);
  session.commit();
  const auto entries = log_->entries();
  ASSERT_EQ(entries.size(), 3u) << "one INSERT per level" << dump();
  for (const auto& e : entries) EXPECT_TRUE(starts_with(e.sql, "INSERT INTO rel_node ")) << e.sql;
  EXPECT_EQ(a->parent_id(), std::optional<std::int32_t>(root->id()));
  EXPECT_EQ(b->parent_id(), std::optional<std::int32_t>(root->id()));
  EXPECT_EQ(a->children()[0]->parent_id(), std::optional<std::int32_t>(a->id()));
  EXPECT_FALSE(root->parent_id().has_value());
}

TEST_F(PatternTest, AdjacencyListReferenceSideAndLoading) {
  std::int32_t root_id = 0;
  {
    ormc::Session session(*db_);
    auto leaf = Node::create({.data = "leaf"});
    auto mid = Node::create({.data = "mid"});
    leaf->set_parent(mid);
    mid->set_parent(Node::create({.data = "root"}));
    session.add(leaf);
    session.commit();
    EXPECT_EQ(log_->count("INSERT INTO rel_node"), 3u) << dump();
    root_id = leaf->parent()->parent()->id();
  }
  ormc::Session session(*db_);
  auto root = session.get<Node>(root_id);
  log_->clear();
  ASSERT_EQ(root->children().size(), 1u);
  auto mid = root->children()[0];
  EXPECT_EQ(mid->data(), "mid");
  EXPECT_EQ(mid->parent(), root);
  ASSERT_EQ(mid->children().size(), 1u);
  EXPECT_EQ(mid->children()[0]->data(), "leaf");
  EXPECT_EQ(log_->count("SELECT"), 2u) << "one SELECT per collection, none for the parents" << dump();
}

TEST_F(PatternTest, ManyToManyWritesAssociationRowsInBatches) {
  ormc::Session session(*db_, {.expire_on_commit = false});
  auto post = Post::create({.title = "p"});
  auto t1 = Tag::create({.name = "x"});
  auto t2 = Tag::create({.name = "y"});
  post->tags().add(t1);
  post->tags().add(t2);
  EXPECT_TRUE(t1->posts().contains(post)) << "back_populates on the other collection";
  session.add(post);
  session.commit();
  auto entries = log_->entries();
  ASSERT_EQ(entries.size(), 3u) << dump();
  EXPECT_TRUE(starts_with(entries[0].sql, "INSERT INTO rel_post ")) << entries[0].sql;
  EXPECT_TRUE(starts_with(entries[1].sql, "INSERT INTO rel_tag ")) << entries[1].sql;
  EXPECT_TRUE(starts_with(entries[2].sql, "INSERT INTO rel_tag_link ")) << entries[2].sql;
  EXPECT_EQ(ormc_test::inserted_rows(entries[2]).size(), 2u) << "both association rows in one statement";

  log_->clear();
  post->tags().remove(t1);
  EXPECT_FALSE(t1->posts().contains(post));
  session.commit();
  const auto sql = log_->sql();
  ASSERT_EQ(sql.size(), 1u) << dump();
  EXPECT_TRUE(starts_with(sql[0], "DELETE FROM rel_tag_link ")) << sql[0];

  ormc::Session fresh(*db_);
  auto loaded = fresh.get<Post>(post->id());
  log_->clear();
  ASSERT_EQ(loaded->tags().size(), 1u);
  EXPECT_EQ(loaded->tags()[0]->name(), "y");
  const auto select = log_->sql();
  ASSERT_EQ(select.size(), 1u) << dump();
  EXPECT_TRUE(contains(select[0], "rel_tag_link")) << select[0];
}

TEST_F(PatternTest, ManyToManyParentDeleteRemovesLoadedAssociationRows) {
  std::int32_t tag_id = 0;
  {
    ormc::Session s(*db_);
    auto tag = Tag::create({.name = "x"});
    tag->posts().add(Post::create({.title = "a"}));
    tag->posts().add(Post::create({.title = "b"}));
    s.add(tag);
    s.commit();
    tag_id = tag->id();
  }
  ormc::Session session(*db_);
  auto tag = session.get<Tag>(tag_id);
  log_->clear();
  session.remove(tag);
  session.commit();
  const auto sql = log_->sql();
  // passive_deletes = false: the collection is loaded and its association rows deleted first.
  ASSERT_EQ(sql.size(), 3u) << dump();
  EXPECT_TRUE(starts_with(sql[0], "SELECT rel_post.")) << sql[0];
  EXPECT_TRUE(starts_with(sql[1], "DELETE FROM rel_tag_link ")) << sql[1];
  EXPECT_TRUE(starts_with(sql[2], "DELETE FROM rel_tag ")) << sql[2];
  ormc::Session fresh(*db_);
  EXPECT_EQ(fresh.scalars(ormc::select<Post>()).all().size(), 2u) << "the posts stay";
}

TEST_F(PatternTest, AssociationObjectTakesBothKeysFromItsReferences) {
  std::int32_t student_id = 0;
  {
    ormc::Session session(*db_, {.expire_on_commit = false});
    auto student = Student::create({.name = "s"});
    auto course = Course::create({.title = "math"});
    auto enrollment = Enrollment::create({.grade = "A"});
    enrollment->set_course(course);
    student->enrollments().add(enrollment);
    EXPECT_EQ(enrollment->student(), student) << "back_populates";
    EXPECT_TRUE(course->enrollments().contains(enrollment)) << "back_populates of the reference";
    session.add(student);
    session.commit();
    const auto sql = log_->sql();
    ASSERT_EQ(sql.size(), 3u) << dump();
    EXPECT_EQ(log_->count("INSERT INTO rel_student "), 1u) << dump();
    EXPECT_EQ(log_->count("INSERT INTO rel_course "), 1u) << dump();
    EXPECT_TRUE(starts_with(sql[2], "INSERT INTO rel_enrollment ")) << sql[2];
    EXPECT_EQ(enrollment->student_id(), student->id());
    EXPECT_EQ(enrollment->course_id(), course->id());
    student_id = student->id();
  }
  ormc::Session session(*db_);
  auto student = session.get<Student>(student_id);
  ASSERT_EQ(student->enrollments().size(), 1u);
  auto enrollment = student->enrollments()[0];
  EXPECT_EQ(enrollment->grade(), std::optional<std::string>("A"));
  EXPECT_EQ(enrollment->course()->title(), "math");
  EXPECT_EQ(enrollment->student(), student) << "in the identity map";
}

TEST_F(PatternTest, OneToOneFromTheSideWithoutTheForeignKey) {
  std::int32_t account_id = 0;
  {
    ormc::Session session(*db_, {.expire_on_commit = false});
    auto account = Account::create({.name = "a"});
    account->set_profile(Profile::create({.bio = "first"}));
    EXPECT_EQ(account->profile()->account(), account) << "back_populates";
    session.add(account);
    session.commit();
    const auto sql = log_->sql();
    ASSERT_EQ(sql.size(), 2u) << dump();
    EXPECT_TRUE(starts_with(sql[0], "INSERT INTO rel_account ")) << sql[0];
    EXPECT_TRUE(starts_with(sql[1], "INSERT INTO rel_profile ")) << sql[1];
    account_id = account->id();
  }
  ormc::Session session(*db_);
  auto account = session.get<Account>(account_id);
  log_->clear();
  auto first = account->profile();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->bio(), "first");
  ASSERT_EQ(log_->size(), 1u) << dump();
  EXPECT_TRUE(starts_with(log_->sql()[0], "SELECT rel_profile.")) << log_->sql()[0];
  // Replacing it: the old row's foreign key is set to NULL before the new row is INSERTed, so the
  // UNIQUE foreign key is free when the new row takes it.
  log_->clear();
  account->set_profile(Profile::create({.bio = "second"}));
  EXPECT_EQ(first->account(), nullptr);
  session.commit();
  const auto sql = log_->sql();
  ASSERT_EQ(sql.size(), 2u) << dump();
  EXPECT_TRUE(starts_with(sql[0], "UPDATE rel_profile SET account_id = ")) << sql[0];
  EXPECT_TRUE(starts_with(sql[1], "INSERT INTO rel_profile ")) << sql[1];
  ormc::Session fresh(*db_);
  EXPECT_EQ(fresh.get<Account>(account_id)->profile()->bio(), "second");
  EXPECT_EQ(fresh.scalars(ormc::select<Profile>()).all().size(), 2u) << "the old profile keeps its row";
}

TEST_F(PatternTest, OneToOneSetFromTheForeignKeySide) {
  ormc::Session session(*db_, {.expire_on_commit = false});
  auto account = Account::create({.name = "a"});
  auto profile = Profile::create({.bio = "b"});
  profile->set_account(account);
  EXPECT_EQ(account->profile(), profile) << "back_populates of a transient pair needs no SQL";
  session.add(profile);
  session.commit();
  EXPECT_EQ(profile->account_id(), std::optional<std::int32_t>(account->id()));
  EXPECT_EQ(log_->size(), 2u) << dump();
}

// SQLAlchemy's post_update example: INSERT widget, INSERT entry, then UPDATE rel_widget SET
// favorite_entry_id; deleting the widget first sets it back to NULL.
TEST_F(PatternTest, PostUpdateBreaksTheCycleBothWays) {
  ormc::Session session(*db_, {.expire_on_commit = false});
  auto widget = Widget::create({.name = "somewidget"});
  auto entry = Entry::create({.name = "someentry"});
  widget->set_favorite_entry(entry);
  widget->entries().add(entry);
  session.add(widget);
  session.flush();
  auto entries = log_->entries();
  ASSERT_EQ(entries.size(), 3u) << dump();
  EXPECT_TRUE(starts_with(entries[0].sql, "INSERT INTO rel_widget ")) << entries[0].sql;
  EXPECT_TRUE(starts_with(entries[1].sql, "INSERT INTO rel_entry ")) << entries[1].sql;
  EXPECT_TRUE(starts_with(entries[2].sql, "UPDATE rel_widget SET favorite_entry_id = ")) << entries[2].sql;
  EXPECT_EQ(entries[2].params[0], ormc::Value(entry->id()));
  EXPECT_EQ(widget->favorite_entry_id(), std::optional<std::int32_t>(entry->id()));
  EXPECT_EQ(entry->widget_id(), std::optional<std::int32_t>(widget->id()));
  session.commit();

  log_->clear();
  session.remove(widget);
  session.commit();
  const auto sql = log_->sql();
  ASSERT_EQ(sql.size(), 3u) << dump();
  EXPECT_TRUE(starts_with(sql[0], "UPDATE rel_entry SET widget_id = ")) << "the entry keeps its row: " << sql[0];
  EXPECT_TRUE(starts_with(sql[1], "UPDATE rel_widget SET favorite_entry_id = ")) << sql[1];
  EXPECT_TRUE(log_->entries()[1].params[0].is_null());
  EXPECT_TRUE(starts_with(sql[2], "DELETE FROM rel_widget ")) << sql[2];
}

}  // namespace
