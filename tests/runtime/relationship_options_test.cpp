// Per-query loader options on SQLite and PostgreSQL: selectinload / lazyload / raiseload / noload override a
// relationship's configured lazy = ... for the objects of one query, asserted through the statement log.
#include <memory>
#include <string>
#include <vector>

#include "relationship_fixture.hpp"

namespace {

using ormc_test::contains;
using ormc_test::starts_with;
using reltest::Badge;
using reltest::Child;
using reltest::Parent;
using reltest::Shelf;
using reltest::Volume;

class LoaderOptionTest : public ormc_test::RelationshipTest {
 protected:
  /// Shelves a (volumes x, y; badge red) and b (volume z), committed.
  void store_shelves() {
    ormc::Session s(*db_);
    auto a = Shelf::create({.name = "a"});
    a->volumes().add(Volume::create({.title = "x"}));
    a->volumes().add(Volume::create({.title = "y"}));
    a->badges().add(Badge::create({.label = "red"}));
    auto b = Shelf::create({.name = "b"});
    b->volumes().add(Volume::create({.title = "z"}));
    s.add(a);
    s.add(b);
    s.commit();
    log_->clear();
  }
  std::size_t reads_of(const std::string& table) const { return log_->count("SELECT " + table + "."); }
};

TEST_F(LoaderOptionTest, SelectinloadLoadsALazySelectCollectionWithTheQuery) {
  stored_parent({"b", "a"});
  stored_parent({"c"});
  ormc::Session session(*db_);
  auto parents = session.scalars(ormc::select<Parent>().options(ormc::selectinload(&Parent::children))).all();
  ASSERT_EQ(parents.size(), 2u);
  ASSERT_EQ(log_->size(), 2u) << "parents, then one IN query for both" << dump();
  const auto children = log_->entries()[1];
  EXPECT_TRUE(starts_with(children.sql, "SELECT rel_child.")) << children.sql;
  EXPECT_TRUE(contains(children.sql, "rel_child.parent_id IN (")) << children.sql;
  EXPECT_TRUE(contains(children.sql, "ORDER BY rel_child.name")) << children.sql;
  EXPECT_EQ(children.params.size(), 2u);
  log_->clear();
  std::size_t total = 0;
  for (const auto& p : parents) total += p->children().size();
  EXPECT_EQ(total, 3u);
  EXPECT_EQ(log_->size(), 0u) << dump();

  // The option is for that query only: the configured lazy select applies to the next one.
  ormc::Session other(*db_);
  log_->clear();
  auto again = other.scalars(ormc::select<Parent>()).all();
  EXPECT_EQ(reads_of("rel_child"), 0u) << dump();
  EXPECT_EQ(again[0]->children().size() + again[1]->children().size(), 3u);
  EXPECT_EQ(reads_of("rel_child"), 2u) << "one lazy SELECT per parent" << dump();
}

TEST_F(LoaderOptionTest, LazyloadTurnsSelectinIntoOneSelectPerAccess) {
  store_shelves();
  ormc::Session session(*db_);
  auto shelves = session.scalars(ormc::select<Shelf>().order_by(Shelf::c.name).options(ormc::lazyload(&Shelf::volumes))).all();
  ASSERT_EQ(shelves.size(), 2u);
  EXPECT_EQ(reads_of("rel_volume"), 0u) << "volumes are not loaded by the query" << dump();
  EXPECT_EQ(reads_of("rel_badge"), 1u) << "badges keep their selectin" << dump();
  log_->clear();
  EXPECT_EQ(shelves[0]->volumes().size(), 2u);
  ASSERT_EQ(log_->size(), 1u) << dump();
  EXPECT_TRUE(contains(log_->entries()[0].sql, "WHERE rel_volume.shelf_id = ")) << "a lazy select, not an IN batch";
  EXPECT_EQ(log_->entries()[0].params.size(), 1u);
  EXPECT_EQ(shelves[1]->volumes().size(), 1u);
  EXPECT_EQ(reads_of("rel_volume"), 2u) << dump();
}

TEST_F(LoaderOptionTest, RaiseloadRefusesAccessNamingTheRelationship) {
  store_shelves();
  ormc::Session session(*db_);
  auto a = session.scalars(ormc::select<Shelf>().where(Shelf::c.name == "a").options(ormc::raiseload(&Shelf::badges))).one();
  EXPECT_EQ(reads_of("rel_badge"), 0u) << dump();
  log_->clear();
  try {
    (void)a->badges().size();
    FAIL() << "raiseload: access must throw";
  } catch (const ormc::InvalidRequestError& e) {
    EXPECT_TRUE(contains(e.what(), "Shelf.badges")) << e.what();
    EXPECT_TRUE(contains(e.what(), "lazy='raise'")) << e.what();
  }
  EXPECT_EQ(log_->size(), 0u) << dump();
  EXPECT_EQ(a->volumes().size(), 2u) << "other relationships keep their strategy (loaded by the query)";
  EXPECT_EQ(log_->size(), 0u) << dump();
}

TEST_F(LoaderOptionTest, NoloadLeavesTheCollectionEmptyAndWritable) {
  store_shelves();
  ormc::Session session(*db_);
  auto a = session.scalars(ormc::select<Shelf>().where(Shelf::c.name == "a").options(ormc::noload(&Shelf::volumes))).one();
  EXPECT_EQ(reads_of("rel_volume"), 0u) << dump();
  log_->clear();
  EXPECT_TRUE(a->volumes().empty());
  EXPECT_EQ(log_->size(), 0u) << dump();
  a->volumes().add(Volume::create({.title = "w"}));
  session.commit();
  EXPECT_EQ(log_->count("INSERT INTO rel_volume"), 1u) << dump();
  ormc::Session check(*db_);
  auto again = check.scalars(ormc::select<Shelf>().where(Shelf::c.name == "a")).one();
  EXPECT_EQ(again->volumes().size(), 3u) << "x, y and the new w: noload hid the rows, it didn't drop them";
}

TEST_F(LoaderOptionTest, OptionOfAnotherEntityIsRefused) {
  try {
    (void)ormc::select<Shelf>().options(ormc::selectinload(&Parent::children));
    FAIL() << "an option for Parent on select<Shelf>() must be refused";
  } catch (const ormc::InvalidRequestError& e) {
    EXPECT_TRUE(contains(e.what(), "Parent.children")) << e.what();
    EXPECT_TRUE(contains(e.what(), "Shelf")) << e.what();
  }
}

}  // namespace
