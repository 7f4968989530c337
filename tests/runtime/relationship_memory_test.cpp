// Ownership of related objects: nothing leaks once user code lets go (no reference cycles after a
// flush, the identity map keeps nothing alive), and nothing pending is lost while only a relationship
// reaches it.
#include <memory>
#include <string>
#include <vector>

#include "relationship_fixture.hpp"

namespace {

using ormc_test::starts_with;
using reltest::Child;
using reltest::Parent;
using reltest::Post;
using reltest::Tag;

using MemoryTest = ormc_test::RelationshipTest;

TEST_F(MemoryTest, BidirectionalPairIsFreedWhenUserReferencesAreDropped) {
  ormc::Session session(*db_, {.expire_on_commit = false});
  std::weak_ptr<Parent> weak_parent;
  std::vector<std::weak_ptr<Child>> weak_children;
  {
    auto parent = Parent::create({.name = "p"});
    for (int i = 0; i < 3; ++i) {
      auto child = Child::create({.name = "c" + std::to_string(i)});
      child->set_parent(parent);  // the reference side: a strong hold until the flush
      weak_children.push_back(child);
    }
    session.add(parent);
    session.commit();
    // Both directions are in memory now.
    EXPECT_EQ(parent->children().size(), 3u);
    for (const auto& c : parent->children()) EXPECT_EQ(c->parent(), parent);
    weak_parent = parent;
  }
  EXPECT_TRUE(weak_parent.expired()) << "a reference keeps nothing alive after its flush";
  for (const auto& w : weak_children) EXPECT_TRUE(w.expired());
  EXPECT_EQ(session.identity_map_size(), 0u);
}

TEST_F(MemoryTest, ChildOutlivesParentAndFindsItAgainByKey) {
  const std::int32_t pid = stored_parent({"a"});
  ormc::Session session(*db_);
  std::shared_ptr<Child> child;
  std::weak_ptr<Parent> weak_parent;
  {
    auto parent = session.get<Parent>(pid);
    child = parent->children()[0];
    weak_parent = parent;
  }
  EXPECT_TRUE(weak_parent.expired()) << "the child's reference is weak";
  log_->clear();
  auto parent = child->parent();
  ASSERT_TRUE(parent);
  EXPECT_EQ(parent->id(), pid);
  EXPECT_EQ(log_->count("SELECT rel_parent."), 1u) << "re-resolved through the foreign key" << dump();
}

TEST_F(MemoryTest, ChildReachableOnlyThroughCollectionIsInserted) {
  ormc::Session session(*db_);
  auto parent = Parent::create({.name = "p"});
  parent->children().add(Child::create({.name = "only in the collection"}));
  session.add(parent);
  session.commit();
  EXPECT_EQ(log_->count("INSERT INTO rel_child"), 1u) << dump();
  ormc::Session fresh(*db_);
  EXPECT_EQ(fresh.scalars(ormc::select<Child>()).one()->name(), "only in the collection");
}

// Two loaded many-to-many collections holding each other's objects would be a cycle: one side of
// the pair holds its items weakly.
TEST_F(MemoryTest, ManyToManyPairLoadedOnBothSidesIsFreed) {
  ormc::Session session(*db_, {.expire_on_commit = false});
  std::weak_ptr<Post> weak_post;
  std::weak_ptr<Tag> weak_tag;
  {
    auto post = Post::create({.title = "p"});
    auto tag = Tag::create({.name = "t"});
    post->tags().add(tag);
    session.add(post);
    session.commit();
    EXPECT_TRUE(tag->posts().contains(post));
    EXPECT_TRUE(post->tags().contains(tag));
    weak_post = post;
    weak_tag = tag;
  }
  EXPECT_TRUE(weak_post.expired());
  EXPECT_TRUE(weak_tag.expired());
  EXPECT_EQ(session.identity_map_size(), 0u);
}

TEST_F(MemoryTest, WeaklyHoldingSideLoadsAgainWhenAnItemWasFreed) {
  std::int32_t tag_id = 0;
  {
    ormc::Session s(*db_);
    auto tag = Tag::create({.name = "t"});
    tag->posts().add(Post::create({.title = "a"}));
    s.add(tag);
    s.commit();
    tag_id = tag->id();
  }
  ormc::Session session(*db_);
  auto tag = session.get<Tag>(tag_id);
  log_->clear();
  EXPECT_EQ(tag->posts().size(), 1u);
  EXPECT_EQ(tag->posts()[0]->title(), "a");
  EXPECT_EQ(log_->count("SELECT rel_post."), 1u) << "held strongly while the post's side is not loaded" << dump();
  {
    auto post = tag->posts()[0];
    EXPECT_TRUE(post->tags().contains(tag));  // now the post's side holds the pair together
  }
  log_->clear();
  EXPECT_EQ(tag->posts().size(), 1u) << "the freed post is loaded again";
  EXPECT_EQ(log_->count("SELECT rel_post."), 1u) << dump();
  EXPECT_EQ(tag->posts()[0]->title(), "a");
}

}  // namespace
