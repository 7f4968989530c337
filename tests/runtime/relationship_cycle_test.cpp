// The cycle collector (ormc/cycles.hpp): never-flushed back_populates cycles are freed, and nothing
// anyone still reaches is — what it keeps is INSERTed by a later flush with the right foreign keys.
#include <ormc/cycles.hpp>

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "relationship_fixture.hpp"

namespace {

using ormc_test::starts_with;
using reltest::Account;
using reltest::Child;
using reltest::Node;
using reltest::Parent;
using reltest::Post;
using reltest::Profile;
using reltest::Tag;

class CycleTest : public ormc_test::RelationshipTest {
 protected:
  void SetUp() override {
    RelationshipTest::SetUp();
    ormc::collect_cycles();  // earlier tests' leftovers must not be counted here
  }

  /// How many statements of the log start with `prefix`.
  std::size_t count(const std::string& prefix) const { return log_->count(prefix); }
};

TEST_F(CycleTest, NeverFlushedPairIsFreedByCollectCycles) {
  std::weak_ptr<Parent> weak_parent;
  std::weak_ptr<Child> weak_child;
  {
    auto parent = Parent::create({.name = "p"});
    auto child = Child::create({.name = "c"});
    child->set_parent(parent);
    EXPECT_TRUE(parent->children().contains(child));  // back_populates: both directions hold
    weak_parent = parent;
    weak_child = child;
  }
  EXPECT_FALSE(weak_parent.expired()) << "the pin and the collection hold each other";
  EXPECT_FALSE(weak_child.expired());
  EXPECT_EQ(ormc::collect_cycles(), 2u);
  EXPECT_TRUE(weak_parent.expired());
  EXPECT_TRUE(weak_child.expired());
  EXPECT_EQ(ormc::cycle_candidates(), 0u) << "freed objects leave the registry";
  EXPECT_EQ(log_->size(), 0u) << dump();
}

TEST_F(CycleTest, PairsAreFreedWithoutCallingOnceTheThresholdIsPassed) {
  std::weak_ptr<Parent> first_parent;
  std::weak_ptr<Child> first_child;
  std::size_t pairs = 0;
  std::size_t most_candidates = 0;
  // Far more pairs than the first threshold; the first pair goes at the first automatic run.
  for (; pairs < 20000 && (pairs == 0 || !first_parent.expired()); ++pairs) {
    auto parent = Parent::create({.name = "p"});
    auto child = Child::create({.name = "c"});
    child->set_parent(parent);
    if (pairs == 0) {
      first_parent = parent;
      first_child = child;
    }
    most_candidates = std::max(most_candidates, ormc::cycle_candidates());
  }
  EXPECT_TRUE(first_parent.expired()) << "no automatic collection in " << pairs << " pairs";
  EXPECT_TRUE(first_child.expired());
  EXPECT_LT(pairs, 2000u) << "the first collection comes after about 1,000 registrations";
  // All garbage: nothing survives, so the threshold stays at its start and the registry bounded.
  EXPECT_LE(most_candidates, 1002u);
}

TEST_F(CycleTest, KeepingOnlyTheChildKeepsTheParentAndFlushInsertsBoth) {
  ormc::Session session(*db_, {.expire_on_commit = false});
  auto child = Child::create({.name = "kept"});
  std::weak_ptr<Parent> weak_parent;
  {
    auto parent = Parent::create({.name = "through the child"});
    child->set_parent(parent);
    weak_parent = parent;
  }
  EXPECT_EQ(ormc::collect_cycles(), 0u);
  ASSERT_FALSE(weak_parent.expired()) << "reachable from the child the user holds";
  EXPECT_TRUE(child->parent()->children().contains(child)) << "its collection was left intact";
  session.add(child);
  session.commit();
  const auto sql = log_->sql();
  ASSERT_EQ(sql.size(), 2u) << dump();
  EXPECT_TRUE(starts_with(sql[0], "INSERT INTO rel_parent ")) << sql[0];
  EXPECT_TRUE(starts_with(sql[1], "INSERT INTO rel_child ")) << sql[1];
  const auto parent = child->parent();
  ASSERT_TRUE(parent);
  EXPECT_EQ(child->parent_id(), std::optional<std::int32_t>(parent->id()));
  ormc::Session fresh(*db_);
  const auto stored = fresh.scalars(ormc::select<Child>()).one();
  ASSERT_TRUE(stored->parent());
  EXPECT_EQ(stored->parent()->name(), "through the child");
}

TEST_F(CycleTest, KeepingOnlyTheParentKeepsTheChild) {
  ormc::Session session(*db_, {.expire_on_commit = false});
  auto parent = Parent::create({.name = "kept"});
  std::weak_ptr<Child> weak_child;
  {
    auto child = Child::create({.name = "in the collection"});
    child->set_parent(parent);
    weak_child = child;
  }
  EXPECT_EQ(ormc::collect_cycles(), 0u);
  ASSERT_FALSE(weak_child.expired());
  ASSERT_EQ(parent->children().size(), 1u);
  EXPECT_EQ(parent->children()[0]->name(), "in the collection");
  session.add(parent);
  session.commit();
  EXPECT_EQ(count("INSERT INTO rel_parent "), 1u) << dump();
  EXPECT_EQ(count("INSERT INTO rel_child "), 1u) << dump();
  ormc::Session fresh(*db_);
  const auto stored = fresh.scalars(ormc::select<Child>()).one();
  EXPECT_EQ(stored->parent_id(), std::optional<std::int32_t>(parent->id()));
}

// grandparent <- parent <- child, all by set_parent on a self-referential adjacency list.
TEST_F(CycleTest, AdjacencyListChainIsFreed) {
  std::vector<std::weak_ptr<Node>> weak;
  {
    auto root = Node::create({.data = "root"});
    auto mid = Node::create({.data = "mid"});
    auto leaf = Node::create({.data = "leaf"});
    mid->set_parent(root);
    leaf->set_parent(mid);
    weak = {root, mid, leaf};
  }
  for (const auto& w : weak) EXPECT_FALSE(w.expired());
  EXPECT_EQ(ormc::collect_cycles(), 3u);
  for (const auto& w : weak) EXPECT_TRUE(w.expired());
}

TEST_F(CycleTest, AdjacencyListChainKeptByItsLeafIsInsertedTopDown) {
  ormc::Session session(*db_, {.expire_on_commit = false});
  auto leaf = Node::create({.data = "leaf"});
  {
    auto root = Node::create({.data = "root"});
    auto mid = Node::create({.data = "mid"});
    mid->set_parent(root);
    leaf->set_parent(mid);
  }
  EXPECT_EQ(ormc::collect_cycles(), 0u);
  session.add(leaf);
  session.commit();
  const auto sql = log_->sql();
  ASSERT_EQ(sql.size(), 3u) << dump();
  for (const auto& s : sql) EXPECT_TRUE(starts_with(s, "INSERT INTO rel_node ")) << s;
  const auto mid = leaf->parent();
  ASSERT_TRUE(mid);
  const auto root = mid->parent();
  ASSERT_TRUE(root);
  EXPECT_EQ(mid->data(), "mid");
  EXPECT_EQ(root->data(), "root");
  EXPECT_EQ(leaf->parent_id(), std::optional<std::int32_t>(mid->id()));
  EXPECT_EQ(mid->parent_id(), std::optional<std::int32_t>(root->id()));
  EXPECT_EQ(root->parent_id(), std::nullopt);
}

// The Session's own strong lists are outside holders: a pending pair without user handles stays.
TEST_F(CycleTest, PendingPairHeldOnlyByTheSessionIsKept) {
  ormc::Session session(*db_, {.expire_on_commit = false});
  std::weak_ptr<Parent> weak_parent;
  std::weak_ptr<Child> weak_child;
  {
    auto parent = Parent::create({.name = "p"});
    auto child = Child::create({.name = "c"});
    child->set_parent(parent);
    session.add(child);
    weak_parent = parent;
    weak_child = child;
  }
  EXPECT_EQ(ormc::collect_cycles(), 0u);
  ASSERT_FALSE(weak_parent.expired());
  ASSERT_FALSE(weak_child.expired());
  session.commit();
  EXPECT_EQ(count("INSERT INTO rel_parent "), 1u) << dump();
  EXPECT_EQ(count("INSERT INTO rel_child "), 1u) << dump();
}

// Traced rather than skipped: a persistent parent gains a new child (queued by back_populates while
// the child pins it); with no user handle left, the Session's list of changed relationships is the
// parent's outside holder.
TEST_F(CycleTest, PersistentParentHeldOnlyByTheSessionKeepsItsNewChild) {
  const std::int32_t pid = stored_parent({});
  ormc::Session session(*db_, {.expire_on_commit = false});
  std::weak_ptr<Parent> weak_parent;
  std::weak_ptr<Child> weak_child;
  {
    auto parent = session.get<Parent>(pid);
    auto child = Child::create({.name = "new"});
    child->set_parent(parent);
    weak_parent = parent;
    weak_child = child;
  }
  log_->clear();
  EXPECT_EQ(ormc::collect_cycles(), 0u);
  ASSERT_FALSE(weak_parent.expired());
  ASSERT_FALSE(weak_child.expired());
  session.commit();
  EXPECT_EQ(count("INSERT INTO rel_child "), 1u) << dump();
  EXPECT_EQ(count("INSERT INTO rel_parent "), 0u) << dump();
  ormc::Session fresh(*db_);
  EXPECT_EQ(fresh.scalars(ormc::select<Child>()).one()->parent_id(), std::optional<std::int32_t>(pid));
}

// Pending objects expunged before a flush: the Session forgets the set_parent() it registered
// (and the owner it held for it), so the pair holds only itself; a later commit writes nothing.
TEST_F(CycleTest, PairExpungedBeforeTheFlushIsFreed) {
  ormc::Session session(*db_);
  std::weak_ptr<Parent> weak_parent;
  std::weak_ptr<Child> weak_child;
  {
    auto parent = Parent::create({.name = "p"});
    auto child = Child::create({.name = "c"});
    child->set_parent(parent);
    session.add(parent);
    session.expunge(parent);  // cascade = "all" takes the child out too
    weak_parent = parent;
    weak_child = child;
  }
  EXPECT_EQ(ormc::collect_cycles(), 2u);
  EXPECT_TRUE(weak_parent.expired());
  EXPECT_TRUE(weak_child.expired());
  session.commit();
  EXPECT_EQ(count("INSERT"), 0u) << dump();
}

TEST_F(CycleTest, PairRolledBackBeforeTheFlushIsFreed) {
  ormc::Session session(*db_);
  std::weak_ptr<Parent> weak_parent;
  std::weak_ptr<Child> weak_child;
  {
    auto parent = Parent::create({.name = "p"});
    auto child = Child::create({.name = "c"});
    child->set_parent(parent);
    session.add(child);
    weak_parent = parent;
    weak_child = child;
  }
  session.rollback();
  ormc::collect_cycles();
  EXPECT_TRUE(weak_parent.expired());
  EXPECT_TRUE(weak_child.expired());
  session.commit();
  EXPECT_EQ(count("INSERT"), 0u) << dump();
}

TEST_F(CycleTest, PairOfAClosedSessionIsFreed) {
  std::weak_ptr<Parent> weak_parent;
  std::weak_ptr<Child> weak_child;
  {
    ormc::Session session(*db_);
    auto parent = Parent::create({.name = "p"});
    auto child = Child::create({.name = "c"});
    child->set_parent(parent);
    session.add(parent);
    session.close();
    weak_parent = parent;
    weak_child = child;
  }
  ormc::collect_cycles();
  EXPECT_TRUE(weak_parent.expired());
  EXPECT_TRUE(weak_child.expired());
  EXPECT_EQ(count("INSERT"), 0u) << dump();
}

// A parent expunged from its Session (detached: it has a row, no Session) gains a new child: its
// unloaded collection queues the child (back_populates) while the child pins it, and no Session
// will ever flush or discard either.
TEST_F(CycleTest, ExpungedParentAndNewChildAreFreed) {
  const std::int32_t pid = stored_parent({});
  ormc::Session session(*db_);
  std::weak_ptr<Parent> weak_parent;
  std::weak_ptr<Child> weak_child;
  {
    auto parent = session.get<Parent>(pid);
    session.expunge(parent);
    auto child = Child::create({.name = "queued"});
    child->set_parent(parent);
    weak_parent = parent;
    weak_child = child;
  }
  EXPECT_FALSE(weak_parent.expired()) << "the queue and the pin hold each other";
  EXPECT_EQ(ormc::collect_cycles(), 2u);
  EXPECT_TRUE(weak_parent.expired());
  EXPECT_TRUE(weak_child.expired());
  log_->clear();
  session.commit();
  EXPECT_EQ(log_->size(), 0u) << dump();
}

// The same after the Session was closed, with the new child kept: the parent stays with it.
TEST_F(CycleTest, ClosedSessionsParentKeptByNewChildIsNotInsertedAgain) {
  const std::int32_t pid = stored_parent({});
  auto child = Child::create({.name = "new"});
  {
    ormc::Session first(*db_);
    auto parent = first.get<Parent>(pid);
    first.close();
    child->set_parent(parent);  // detached parent: its queue and the child's pin form the cycle
  }
  EXPECT_EQ(ormc::collect_cycles(), 0u);
  ASSERT_TRUE(child->parent());
  EXPECT_EQ(child->parent()->id(), pid);
  log_->clear();
  ormc::Session second(*db_);
  second.add(child);
  second.commit();
  EXPECT_EQ(count("INSERT INTO rel_parent "), 0u) << "the parent has its row" << dump();
  EXPECT_EQ(count("INSERT INTO rel_child "), 1u) << dump();
  ormc::Session fresh(*db_);
  EXPECT_EQ(fresh.scalars(ormc::select<Child>()).one()->parent_id(), std::optional<std::int32_t>(pid));
}

// Added from Tag.posts: its items and pending add hold the post, and the post's side of the pair
// (back_populates) holds the tag.
TEST_F(CycleTest, ManyToManyTransientPairIsFreed) {
  std::weak_ptr<Post> weak_post;
  std::weak_ptr<Tag> weak_tag;
  {
    auto post = Post::create({.title = "p"});
    auto tag = Tag::create({.name = "t"});
    tag->posts().add(post);
    EXPECT_TRUE(post->tags().contains(tag));
    weak_post = post;
    weak_tag = tag;
  }
  EXPECT_FALSE(weak_post.expired()) << "the pending add and the other side hold each other";
  EXPECT_FALSE(weak_tag.expired());
  EXPECT_EQ(ormc::collect_cycles(), 2u);
  EXPECT_TRUE(weak_post.expired());
  EXPECT_TRUE(weak_tag.expired());
}

// Added from Post.tags, the pair is as much a cycle: both sides of a many-to-many pair hold
// strongly (holding one weakly lost the post when only the tag was kept, see relationship_m2m_test).
TEST_F(CycleTest, ManyToManyPairAddedFromThePostSideIsFreed) {
  std::weak_ptr<Post> weak_post;
  std::weak_ptr<Tag> weak_tag;
  {
    auto post = Post::create({.title = "p"});
    auto tag = Tag::create({.name = "t"});
    post->tags().add(tag);
    EXPECT_TRUE(tag->posts().contains(post));
    weak_post = post;
    weak_tag = tag;
  }
  EXPECT_FALSE(weak_post.expired()) << "the two sides hold each other";
  EXPECT_FALSE(weak_tag.expired());
  EXPECT_EQ(ormc::collect_cycles(), 2u);
  EXPECT_TRUE(weak_post.expired());
  EXPECT_TRUE(weak_tag.expired());
}

TEST_F(CycleTest, ManyToManyPairKeptByOneSideIsAssociatedAtFlush) {
  ormc::Session session(*db_, {.expire_on_commit = false});
  auto post = Post::create({.title = "p"});
  post->tags().add(Tag::create({.name = "t"}));
  EXPECT_EQ(ormc::collect_cycles(), 0u);
  session.add(post);
  session.commit();
  EXPECT_EQ(count("INSERT INTO rel_post "), 1u) << dump();
  EXPECT_EQ(count("INSERT INTO rel_tag "), 1u) << dump();
  EXPECT_EQ(count("INSERT INTO rel_tag_link "), 1u) << dump();
}

TEST_F(CycleTest, OneToOnePairIsFreed) {
  std::weak_ptr<Account> weak_account;
  std::weak_ptr<Profile> weak_profile;
  {
    auto account = Account::create({.name = "a"});
    auto profile = Profile::create({.bio = "b"});
    profile->set_account(account);
    EXPECT_EQ(account->profile(), profile);
    weak_account = account;
    weak_profile = profile;
  }
  EXPECT_FALSE(weak_account.expired());
  EXPECT_EQ(ormc::collect_cycles(), 2u);
  EXPECT_TRUE(weak_account.expired());
  EXPECT_TRUE(weak_profile.expired());
}

// One outside holder keeps everything it reaches by strong holds; an unrelated pair still goes.
TEST_F(CycleTest, MixedGraphKeepsWhatAnOutsideHolderReaches) {
  ormc::Session session(*db_, {.expire_on_commit = false});
  auto kept = Child::create({.name = "a kept"});
  std::weak_ptr<Parent> weak_parent;
  std::weak_ptr<Child> weak_sibling;
  std::weak_ptr<Parent> weak_other_parent;
  std::weak_ptr<Child> weak_other_child;
  {
    auto parent = Parent::create({.name = "shared"});
    auto sibling = Child::create({.name = "b sibling"});
    kept->set_parent(parent);
    sibling->set_parent(parent);
    auto other_parent = Parent::create({.name = "other"});
    auto other_child = Child::create({.name = "other"});
    other_child->set_parent(other_parent);
    weak_parent = parent;
    weak_sibling = sibling;
    weak_other_parent = other_parent;
    weak_other_child = other_child;
  }
  EXPECT_EQ(ormc::collect_cycles(), 2u);
  EXPECT_FALSE(weak_parent.expired());
  EXPECT_FALSE(weak_sibling.expired()) << "reached from the kept child through its parent";
  EXPECT_TRUE(weak_other_parent.expired());
  EXPECT_TRUE(weak_other_child.expired());
  session.add(kept);
  session.commit();
  EXPECT_EQ(count("INSERT INTO rel_parent "), 1u) << dump();
  EXPECT_GE(count("INSERT INTO rel_child "), 1u) << dump();
  ormc::Session fresh(*db_);
  EXPECT_EQ(fresh.scalars(ormc::select<Parent>()).all().size(), 1u);
  const auto children = fresh.scalars(ormc::select<Child>().order_by(Child::c.name)).all();
  ASSERT_EQ(children.size(), 2u);
  EXPECT_EQ(children[0]->name(), "a kept");
  EXPECT_EQ(children[1]->name(), "b sibling");
  EXPECT_EQ(children[0]->parent_id(), children[1]->parent_id());
  EXPECT_EQ(children[0]->parent()->name(), "shared");
}

// A thread's registry collects when the thread exits.
TEST_F(CycleTest, ThreadExitFreesItsCycles) {
  std::weak_ptr<Parent> weak_parent;
  std::weak_ptr<Child> weak_child;
  std::thread worker([&] {
    auto parent = Parent::create({.name = "p"});
    auto child = Child::create({.name = "c"});
    child->set_parent(parent);
    weak_parent = parent;
    weak_child = child;
  });
  worker.join();
  EXPECT_TRUE(weak_parent.expired());
  EXPECT_TRUE(weak_child.expired());
}

}  // namespace
