// expunge() forgets the relationship changes the Session registered for the expunged objects: a
// later commit neither writes them nor refuses them (SQLAlchemy forgets an expunged object entirely).
#include <ormc/cycles.hpp>

#include <memory>
#include <optional>
#include <string>

#include "relationship_fixture.hpp"

namespace {

using reltest::Child;
using reltest::Parent;

class ExpungeTest : public ormc_test::RelationshipTest {
 protected:
  std::size_t count(const std::string& prefix) const { return log_->count(prefix); }
};

// The defect: the Session kept Child.parent in its change list, so commit() threw "Object
// 'reltest::Parent' is referenced by "Child.parent" but is not in the Session".
TEST_F(ExpungeTest, CommitAfterExpungingAPendingPairWritesNothing) {
  ormc::Session session(*db_);
  auto parent = Parent::create({.name = "p"});
  auto child = Child::create({.name = "c"});
  child->set_parent(parent);
  session.add(child);       // save-update brings the parent in
  session.expunge(parent);  // cascade = "all": the child leaves too
  EXPECT_EQ(ormc::state_of(*child), ormc::ObjectState::Transient);
  EXPECT_NO_THROW(session.commit());
  EXPECT_EQ(count("INSERT"), 0u) << dump();
  EXPECT_EQ(count("UPDATE"), 0u) << dump();
}

// Only the child leaves (Child.parent does not cascade expunge): the parent is still written, the
// child and its foreign key are not.
TEST_F(ExpungeTest, ExpungedChildsReferenceIsNotWritten) {
  ormc::Session session(*db_);
  auto parent = Parent::create({.name = "p"});
  auto child = Child::create({.name = "c"});
  child->set_parent(parent);
  session.add(child);
  session.expunge(child);
  EXPECT_NO_THROW(session.commit());
  EXPECT_EQ(count("INSERT INTO rel_parent "), 1u) << dump();
  EXPECT_EQ(count("INSERT INTO rel_child "), 0u) << dump();
  ormc::Session fresh(*db_);
  EXPECT_EQ(fresh.scalars(ormc::select<Child>()).all().size(), 0u);
}

// The object keeps its own history: added again, its set_parent() is written by that Session.
TEST_F(ExpungeTest, ExpungedPairAddedAgainIsWrittenWhole) {
  ormc::Session first(*db_);
  auto parent = Parent::create({.name = "p"});
  auto child = Child::create({.name = "c"});
  child->set_parent(parent);
  first.add(child);
  first.expunge(parent);
  first.commit();
  EXPECT_EQ(count("INSERT"), 0u) << dump();
  ormc::Session second(*db_);
  second.add(child);
  second.commit();
  EXPECT_EQ(count("INSERT INTO rel_parent "), 1u) << dump();
  EXPECT_EQ(count("INSERT INTO rel_child "), 1u) << dump();
  ormc::Session fresh(*db_);
  EXPECT_EQ(fresh.scalars(ormc::select<Child>()).one()->parent_id(), std::optional<std::int32_t>(parent->id()));
}

// A persistent parent stays; its new child is expunged before the flush: nothing is written.
TEST_F(ExpungeTest, ExpungedNewChildOfAPersistentParentWritesNothing) {
  const std::int32_t pid = stored_parent({"a"});
  ormc::Session session(*db_);
  auto parent = session.get<Parent>(pid);
  auto child = Child::create({.name = "b"});
  child->set_parent(parent);  // child joins the session through the parent's collection
  ASSERT_EQ(ormc::state_of(*child), ormc::ObjectState::Pending);
  session.expunge(child);
  log_->clear();
  EXPECT_NO_THROW(session.commit());
  EXPECT_EQ(count("INSERT"), 0u) << dump();
  EXPECT_EQ(count("UPDATE"), 0u) << dump();
}

}  // namespace
