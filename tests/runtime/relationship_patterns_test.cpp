// Relationship patterns on SQLite and PostgreSQL: a self-referential adjacency list (rows INSERTed in
// dependency order) and many-to-many through `secondary` (association rows batched, back_populates).
#include <memory>
#include <string>
#include <vector>

#include "relationship_fixture.hpp"

namespace {

using ormc_test::contains;
using ormc_test::starts_with;
using reltest::Node;
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
  for (const auto& e : entries) EXPECT_TRUE(starts_with(e.sql, "INSERT INTO node ")) << e.sql;
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
    EXPECT_EQ(log_->count("INSERT INTO node"), 3u) << dump();
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
  EXPECT_TRUE(starts_with(entries[0].sql, "INSERT INTO post ")) << entries[0].sql;
  EXPECT_TRUE(starts_with(entries[1].sql, "INSERT INTO tag ")) << entries[1].sql;
  EXPECT_TRUE(starts_with(entries[2].sql, "INSERT INTO tag_link ")) << entries[2].sql;
  EXPECT_EQ(entries[2].params.size(), 4u) << "both association rows in one statement";

  log_->clear();
  post->tags().remove(t1);
  EXPECT_FALSE(t1->posts().contains(post));
  session.commit();
  const auto sql = log_->sql();
  ASSERT_EQ(sql.size(), 1u) << dump();
  EXPECT_TRUE(starts_with(sql[0], "DELETE FROM tag_link ")) << sql[0];

  ormc::Session fresh(*db_);
  auto loaded = fresh.get<Post>(post->id());
  log_->clear();
  ASSERT_EQ(loaded->tags().size(), 1u);
  EXPECT_EQ(loaded->tags()[0]->name(), "y");
  const auto select = log_->sql();
  ASSERT_EQ(select.size(), 1u) << dump();
  EXPECT_TRUE(contains(select[0], "tag_link")) << select[0];
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
  EXPECT_TRUE(starts_with(sql[0], "SELECT post.")) << sql[0];
  EXPECT_TRUE(starts_with(sql[1], "DELETE FROM tag_link ")) << sql[1];
  EXPECT_TRUE(starts_with(sql[2], "DELETE FROM tag ")) << sql[2];
  ormc::Session fresh(*db_);
  EXPECT_EQ(fresh.scalars(ormc::select<Post>()).all().size(), 2u) << "the posts stay";
}

}  // namespace
