// Ownership of related objects: nothing leaks once user code lets go (no reference cycles after a
// flush, the identity map keeps nothing alive), and nothing pending is lost while only a relationship
// reaches it.
#include <ormc/cycles.hpp>

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

// Two loaded many-to-many collections hold each other's objects (both sides hold strongly, so
// that no unflushed add is lost): a cycle, freed by the cycle collector once the user drops it.
TEST_F(MemoryTest, ManyToManyPairLoadedOnBothSidesIsFreed) {
  ormc::collect_cycles();  // pairs earlier tests of this process left must not be counted here
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
  EXPECT_FALSE(weak_post.expired()) << "the two loaded collections hold each other";
  EXPECT_EQ(ormc::collect_cycles(), 2u);
  EXPECT_TRUE(weak_post.expired());
  EXPECT_TRUE(weak_tag.expired());
  EXPECT_EQ(session.identity_map_size(), 0u);
}

}  // namespace
