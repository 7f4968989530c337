// Appending many children to one collection stays linear: membership checks are O(1), order is kept.
#include <memory>
#include <string>
#include <vector>

#include "relationship_fixture.hpp"

namespace {

using reltest::Child;
using reltest::Parent;

// Large enough that a linear membership check per append dominates: under callgrind the first test
// took 1.17e9 instructions with it and 8.1e7 with the hash index.
constexpr int kChildren = 20000;

class AppendTest : public ormc_test::RelationshipTest {
 protected:
  std::size_t count(const std::string& prefix) const { return log_->count(prefix); }

  static std::vector<std::shared_ptr<Child>> make_children() {
    std::vector<std::shared_ptr<Child>> out;
    out.reserve(kChildren);
    for (int i = 0; i < kChildren; ++i) out.push_back(Child::create({.name = "c" + std::to_string(i)}));
    return out;
  }

  /// The collection holds `children` in order, each once.
  static void expect_in_order(const std::shared_ptr<Parent>& parent, const std::vector<std::shared_ptr<Child>>& children) {
    const auto items = parent->children().to_vector();
    ASSERT_EQ(items.size(), children.size());
    for (std::size_t i = 0; i < items.size(); ++i) ASSERT_EQ(items[i], children[i]) << i;
  }
};

TEST_F(AppendTest, ManyAddsToOneCollection) {
  auto parent = Parent::create({.name = "p"});
  const auto children = make_children();
  for (const auto& c : children) parent->children().add(c);
  for (const auto& c : children) parent->children().add(c);  // again: each stays once
  expect_in_order(parent, children);
  EXPECT_EQ(children.back()->parent(), parent);
  EXPECT_EQ(log_->size(), 0u) << "a transient parent's collection loads nothing" << dump();
}

TEST_F(AppendTest, ManySetParentsOntoALoadedCollection) {
  const std::int32_t pid = stored_parent({});
  ormc::Session session(*db_, {.autoflush = false});
  auto parent = session.get<Parent>(pid);
  EXPECT_TRUE(parent->children().empty());  // loaded
  const auto children = make_children();
  log_->clear();
  for (const auto& c : children) c->set_parent(parent);
  for (const auto& c : children) c->set_parent(parent);  // again: each stays once
  EXPECT_EQ(log_->size(), 0u) << "the loaded collection is appended in memory" << dump();
  expect_in_order(parent, children);
}

// Not loaded: back_populates queues the children; the load after the flush returns each once.
TEST_F(AppendTest, ManySetParentsOntoAQueuedCollection) {
  const std::int32_t pid = stored_parent({});
  ormc::Session session(*db_, {.autoflush = false});
  auto parent = session.get<Parent>(pid);
  const auto children = make_children();
  log_->clear();
  for (const auto& c : children) c->set_parent(parent);
  for (const auto& c : children) c->set_parent(parent);
  EXPECT_EQ(log_->size(), 0u) << "nothing is loaded for back_populates" << dump();
  expect_in_order(parent, children);  // loads (no autoflush): the queue is appended to the rows
  EXPECT_EQ(count("SELECT rel_child."), 1u) << dump();
}

}  // namespace
