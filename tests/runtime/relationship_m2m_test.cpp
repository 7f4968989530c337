// Many-to-many ownership (issue #5 / #8): both sides hold their items, so nothing pending is lost
// when user code keeps only one side, and dropped pairs are freed by the cycle collector.
#include <ormc/cycles.hpp>

#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "relationship_fixture.hpp"

namespace {

using reltest::Post;
using reltest::Tag;

class ManyToManyTest : public ormc_test::RelationshipTest {
 protected:
  void SetUp() override {
    RelationshipTest::SetUp();
    ormc::collect_cycles();  // earlier tests' leftovers must not be counted here
  }

  std::size_t count(const std::string& prefix) const { return log_->count(prefix); }

  /// The (post title, tag name) pairs stored, read in a Session of its own.
  std::vector<std::pair<std::string, std::string>> stored_links() {
    ormc::Session fresh(*db_);
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& post : fresh.scalars(ormc::select<Post>()).all())
      for (const auto& tag : post->tags()) out.emplace_back(post->title(), tag->name());
    std::sort(out.begin(), out.end());  // the SELECT has no ORDER BY
    return out;
  }
};

using Links = std::vector<std::pair<std::string, std::string>>;

// The defect: Tag.posts held the post weakly, so dropping the post lost it and its association
// row (only the tag was INSERTed).
TEST_F(ManyToManyTest, NewPairKeptOnlyByTheTagIsInsertedWhole) {
  ormc::Session session(*db_);
  auto tag = Tag::create({.name = "t"});
  {
    auto post = Post::create({.title = "p"});
    post->tags().add(tag);
  }
  session.add(tag);
  session.commit();
  EXPECT_EQ(count("INSERT INTO rel_post "), 1u) << dump();
  EXPECT_EQ(count("INSERT INTO rel_tag "), 1u) << dump();
  EXPECT_EQ(count("INSERT INTO rel_tag_link "), 1u) << dump();
  EXPECT_EQ(stored_links(), (Links{{"p", "t"}}));
}

TEST_F(ManyToManyTest, NewPairKeptOnlyByThePostIsInsertedWhole) {
  ormc::Session session(*db_);
  auto post = Post::create({.title = "p"});
  {
    auto tag = Tag::create({.name = "t"});
    tag->posts().add(post);
  }
  session.add(post);
  session.commit();
  EXPECT_EQ(count("INSERT INTO rel_post "), 1u) << dump();
  EXPECT_EQ(count("INSERT INTO rel_tag "), 1u) << dump();
  EXPECT_EQ(count("INSERT INTO rel_tag_link "), 1u) << dump();
  EXPECT_EQ(stored_links(), (Links{{"p", "t"}}));
}

// Added from either side, with the one side kept: an automatic collection in between (here an
// explicit one) must not free what the kept side reaches.
TEST_F(ManyToManyTest, CollectionBeforeTheFlushKeepsWhatTheKeptSideReaches) {
  for (const bool add_from_post : {true, false}) {
    ormc::Session session(*db_);
    auto tag = Tag::create({.name = add_from_post ? "a" : "b"});
    std::weak_ptr<Post> weak_post;
    {
      auto post = Post::create({.title = add_from_post ? "pa" : "pb"});
      if (add_from_post) post->tags().add(tag);
      else tag->posts().add(post);
      weak_post = post;
    }
    EXPECT_EQ(ormc::collect_cycles(), 0u);
    EXPECT_FALSE(weak_post.expired());
    session.add(tag);
    session.commit();
  }
  EXPECT_EQ(count("INSERT INTO rel_post "), 2u) << dump();
  EXPECT_EQ(count("INSERT INTO rel_tag_link "), 2u) << dump();
  EXPECT_EQ(stored_links(), (Links{{"pa", "a"}, {"pb", "b"}}));
}

// A pair loaded on both sides is a cycle now: the user's handles going away leave it to the collector.
TEST_F(ManyToManyTest, LoadedPairDroppedByTheUserIsFreedByTheCollector) {
  std::int32_t post_id = 0;
  {
    ormc::Session s(*db_);
    auto post = Post::create({.title = "p"});
    post->tags().add(Tag::create({.name = "t"}));
    s.add(post);
    s.commit();
    post_id = post->id();
  }
  ormc::collect_cycles();
  ormc::Session session(*db_);
  std::weak_ptr<Post> weak_post;
  std::weak_ptr<Tag> weak_tag;
  {
    auto post = session.get<Post>(post_id);
    auto tag = post->tags()[0];
    EXPECT_TRUE(tag->posts().contains(post));  // both sides loaded
    weak_post = post;
    weak_tag = tag;
  }
  EXPECT_FALSE(weak_post.expired()) << "the two loaded collections hold each other";
  log_->clear();
  EXPECT_EQ(ormc::collect_cycles(), 2u);
  EXPECT_TRUE(weak_post.expired());
  EXPECT_TRUE(weak_tag.expired());
  EXPECT_EQ(session.identity_map_size(), 0u);
  EXPECT_EQ(log_->size(), 0u) << "freeing writes nothing" << dump();
}

// Both sides hold strongly: once loaded, reading either side again costs no SQL.
TEST_F(ManyToManyTest, LoadedSidesAreNotLoadedAgain) {
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
  EXPECT_EQ(count("SELECT rel_post."), 1u) << dump();
  {
    auto post = tag->posts()[0];
    EXPECT_TRUE(post->tags().contains(tag));
  }
  log_->clear();
  EXPECT_EQ(tag->posts().size(), 1u);
  EXPECT_EQ(tag->posts()[0]->title(), "a");
  EXPECT_EQ(log_->size(), 0u) << "the post is still held by the tag's collection" << dump();
}

}  // namespace
