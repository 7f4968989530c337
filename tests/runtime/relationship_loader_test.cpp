// lazy = "selectin" on SQLite and PostgreSQL: a query loads its parents' collections with one IN query per
// relationship and chunk of 500 (per batch with yield_per), many-to-many through the association table;
// the first access of a collection the query didn't load fills every such parent in memory.
#include <memory>
#include <string>
#include <vector>

#include "relationship_fixture.hpp"

namespace {

using ormc_test::contains;
using ormc_test::starts_with;
using reltest::Badge;
using reltest::Shelf;
using reltest::Volume;

class LoaderTest : public ormc_test::RelationshipTest {
 protected:
  /// Shelves a (volumes y, x; badges red, blue), b (volume z; badge red), c (nothing), committed.
  void store_shelves() {
    ormc::Session s(*db_);
    auto red = Badge::create({.label = "red"});
    auto a = Shelf::create({.name = "a"});
    a->volumes().add(Volume::create({.title = "y"}));
    a->volumes().add(Volume::create({.title = "x"}));
    a->badges().add(red);
    a->badges().add(Badge::create({.label = "blue"}));
    auto b = Shelf::create({.name = "b"});
    b->volumes().add(Volume::create({.title = "z"}));
    b->badges().add(red);
    s.add(a);
    s.add(b);
    s.add(Shelf::create({.name = "c"}));
    s.commit();
    log_->clear();
  }

  /// The logged statements that read `table` (its own SELECTs, not the parents').
  std::vector<ormc_test::StatementLog::Entry> reads_of(const std::string& table) const {
    std::vector<ormc_test::StatementLog::Entry> out;
    for (const auto& e : log_->entries())
      if (starts_with(e.sql, "SELECT " + table + ".")) out.push_back(e);
    return out;
  }
  std::size_t selects() const { return log_->count("SELECT") + log_->count("DECLARE"); }
};

TEST_F(LoaderTest, QueryLoadsSelectinCollectionsRightAfterItsRows) {
  store_shelves();
  ormc::Session session(*db_);
  auto shelves = session.scalars(ormc::select<Shelf>().order_by(Shelf::c.name)).all();
  ASSERT_EQ(shelves.size(), 3u);
  ASSERT_EQ(selects(), 3u) << "the parents, then one IN query per selectin relationship" << dump();
  const auto volumes = reads_of("rel_volume");
  ASSERT_EQ(volumes.size(), 1u) << dump();
  EXPECT_TRUE(contains(volumes[0].sql, "WHERE rel_volume.shelf_id IN (")) << volumes[0].sql;
  EXPECT_TRUE(contains(volumes[0].sql, "ORDER BY rel_volume.title")) << volumes[0].sql;
  EXPECT_EQ(volumes[0].params.size(), 3u);
  const auto badges = reads_of("rel_badge");
  ASSERT_EQ(badges.size(), 1u) << dump();
  // Many-to-many: the target joined to the association table, which names each row's parent.
  EXPECT_TRUE(contains(badges[0].sql, "rel_shelf_badge.shelf_id FROM rel_badge, rel_shelf_badge WHERE"))
      << badges[0].sql;
  EXPECT_TRUE(contains(badges[0].sql, "rel_shelf_badge.shelf_id IN (")) << badges[0].sql;
  EXPECT_EQ(badges[0].params.size(), 3u);

  log_->clear();
  ASSERT_EQ(shelves[0]->volumes().size(), 2u);
  EXPECT_EQ(shelves[0]->volumes()[0]->title(), "x") << "order_by = Volume.title";
  EXPECT_EQ(shelves[0]->volumes()[1]->title(), "y");
  ASSERT_EQ(shelves[1]->volumes().size(), 1u);
  EXPECT_EQ(shelves[1]->volumes()[0]->title(), "z");
  EXPECT_TRUE(shelves[2]->volumes().empty());
  ASSERT_EQ(shelves[0]->badges().size(), 2u);
  EXPECT_EQ(shelves[0]->badges()[0]->label(), "blue");
  EXPECT_EQ(shelves[0]->badges()[1]->label(), "red");
  ASSERT_EQ(shelves[1]->badges().size(), 1u);
  EXPECT_EQ(shelves[1]->badges()[0], shelves[0]->badges()[1]) << "one object per row: the identity map";
  EXPECT_TRUE(shelves[2]->badges().empty());
  EXPECT_EQ(log_->size(), 0u) << "the collections were loaded by the query" << dump();
}

TEST_F(LoaderTest, QueryChunksFiveHundredParentsPerInQuery) {
  {
    ormc::Session s(*db_);
    std::vector<std::shared_ptr<Shelf>> shelves;
    for (int i = 0; i < 501; ++i) {
      auto shelf = Shelf::create({.name = "s" + std::to_string(i)});
      shelf->volumes().add(Volume::create({.title = "v" + std::to_string(i)}));
      shelves.push_back(shelf);
    }
    s.add_all(shelves);
    s.commit();
  }
  ormc::Session session(*db_);
  log_->clear();
  auto shelves = session.scalars(ormc::select<Shelf>()).all();
  ASSERT_EQ(shelves.size(), 501u);
  const auto volumes = reads_of("rel_volume");
  ASSERT_EQ(volumes.size(), 2u) << "501 parents: two IN queries, not 501 SELECTs";
  EXPECT_EQ(volumes[0].params.size(), 500u);
  EXPECT_EQ(volumes[1].params.size(), 1u);
  EXPECT_EQ(reads_of("rel_badge").size(), 2u);
  log_->clear();
  std::size_t count = 0;
  for (const auto& shelf : shelves) {
    ASSERT_EQ(shelf->volumes().size(), 1u);
    EXPECT_EQ(shelf->volumes()[0]->title(), "v" + shelf->name().substr(1));
    count += shelf->volumes().size();
  }
  EXPECT_EQ(count, 501u);
  EXPECT_EQ(log_->size(), 0u) << dump();
}

TEST_F(LoaderTest, YieldPerLoadsEachBatchBeforeHandingItOut) {
  store_shelves();
  {
    ormc::Session s(*db_);
    s.add(Shelf::create({.name = "d"}));
    s.add(Shelf::create({.name = "e"}));
    s.commit();
  }
  ormc::Session session(*db_);
  log_->clear();
  std::vector<std::string> seen;
  std::size_t volumes_before_each = 0;
  for (auto& shelf : session.scalars(ormc::select<Shelf>().order_by(Shelf::c.name)).yield_per(2)) {
    // The shelf's batch was loaded before the loop saw it: reading its collection costs nothing.
    const std::size_t before = log_->size();
    seen.push_back(shelf->name() + std::to_string(shelf->volumes().size()));
    EXPECT_EQ(log_->size(), before) << shelf->name();
    volumes_before_each += reads_of("rel_volume").size();
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"a2", "b1", "c0", "d0", "e0"}));
  const auto volumes = reads_of("rel_volume");
  ASSERT_EQ(volumes.size(), 3u) << "batches of 2, 2 and 1 parents" << dump();
  EXPECT_EQ(volumes[0].params.size(), 2u);
  EXPECT_EQ(volumes[1].params.size(), 2u);
  EXPECT_EQ(volumes[2].params.size(), 1u);
  // 1 + 1 (batch a,b) + 2 + 2 (c,d) + 3 (e): each batch loaded before its rows were seen
  EXPECT_EQ(volumes_before_each, 9u);
}

TEST_F(LoaderTest, FirstLoadsTheOneRowsCollections) {
  store_shelves();
  ormc::Session session(*db_);
  auto a = session.scalars(ormc::select<Shelf>().where(Shelf::c.name == "a")).first();
  ASSERT_TRUE(a);
  const auto volumes = reads_of("rel_volume");
  ASSERT_EQ(volumes.size(), 1u) << dump();
  EXPECT_EQ(volumes[0].params.size(), 1u);
  log_->clear();
  EXPECT_EQ(a->volumes().size(), 2u);
  EXPECT_EQ(a->badges().size(), 2u);
  EXPECT_EQ(log_->size(), 0u) << dump();
}

TEST_F(LoaderTest, EmptyResultRunsNoInQuery) {
  store_shelves();
  ormc::Session session(*db_);
  auto none = session.scalars(ormc::select<Shelf>().where(Shelf::c.name == "nothing")).all();
  EXPECT_TRUE(none.empty());
  EXPECT_EQ(selects(), 1u) << dump();
}

TEST_F(LoaderTest, LoadedCollectionsAreNotLoadedAgainByTheNextQuery) {
  store_shelves();
  ormc::Session session(*db_);
  auto first = session.scalars(ormc::select<Shelf>()).all();
  auto a = session.scalars(ormc::select<Shelf>().where(Shelf::c.name == "a")).one();
  a->volumes().add(Volume::create({.title = "w"}));  // unflushed: a reload must not drop it
  log_->clear();
  auto again = session.scalars(ormc::select<Shelf>().where(Shelf::c.name == "b")).all();
  // The autoflush writes the new volume; the parents' collections are loaded, so no IN query.
  EXPECT_EQ(reads_of("rel_volume").size(), 0u) << dump();
  EXPECT_EQ(reads_of("rel_badge").size(), 0u) << dump();
  EXPECT_EQ(a->volumes().size(), 3u);
}

TEST_F(LoaderTest, FirstAccessAfterExpireFillsEveryExpiredParentWithOneQuery) {
  store_shelves();
  ormc::Session session(*db_);
  auto shelves = session.scalars(ormc::select<Shelf>().order_by(Shelf::c.name)).all();
  for (const auto& shelf : shelves) session.expire(shelf);
  log_->clear();
  ASSERT_EQ(shelves[0]->volumes().size(), 2u);
  // The accessed parent's row is reloaded (it is expired); the others' keys come from their
  // identities: one IN query for all three.
  const auto volumes = reads_of("rel_volume");
  ASSERT_EQ(volumes.size(), 1u) << dump();
  EXPECT_EQ(volumes[0].params.size(), 3u);
  log_->clear();
  EXPECT_EQ(shelves[1]->volumes().size(), 1u);
  EXPECT_TRUE(shelves[2]->volumes().empty());
  EXPECT_EQ(reads_of("rel_volume").size(), 0u) << dump();
}

}  // namespace

namespace {

TEST_F(LoaderTest, GetLoadsSelectinCollectionsWithTheObject) {
  store_shelves();
  std::int32_t id = 0;
  {
    ormc::Session s(*db_);
    id = s.scalars(ormc::select<Shelf>().where(Shelf::c.name == "a")).one()->id();
  }
  ormc::Session session(*db_);
  log_->clear();
  auto a = session.get<Shelf>(id);
  ASSERT_TRUE(a);
  const auto volumes = reads_of("rel_volume");
  ASSERT_EQ(volumes.size(), 1u) << dump();
  EXPECT_EQ(volumes[0].params.size(), 1u);
  EXPECT_EQ(reads_of("rel_badge").size(), 1u) << dump();
  log_->clear();
  EXPECT_EQ(a->volumes().size(), 2u);
  EXPECT_EQ(a->badges().size(), 2u);
  EXPECT_EQ(log_->size(), 0u) << dump();
}

}  // namespace
