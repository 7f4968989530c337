// Loader strategies beyond lazy select on SQLite and PostgreSQL: selectin fills the collections of all
// parents in memory with one IN query per chunk of 500 parents, on first access.
#include <memory>
#include <string>
#include <vector>

#include "relationship_fixture.hpp"

namespace {

using ormc_test::contains;
using ormc_test::starts_with;
using reltest::Shelf;
using reltest::Volume;

using LoaderTest = ormc_test::RelationshipTest;

TEST_F(LoaderTest, SelectinLoadsEveryParentsCollectionWithOneInQuery) {
  {
    ormc::Session s(*db_);
    auto a = Shelf::create({.name = "a"});
    a->volumes().add(Volume::create({.title = "y"}));
    a->volumes().add(Volume::create({.title = "x"}));
    auto b = Shelf::create({.name = "b"});
    b->volumes().add(Volume::create({.title = "z"}));
    s.add(a);
    s.add(b);
    s.add(Shelf::create({.name = "c"}));
    s.commit();
  }
  ormc::Session session(*db_);
  auto shelves = session.scalars(ormc::select<Shelf>().order_by(Shelf::c.name)).all();
  ASSERT_EQ(shelves.size(), 3u);
  log_->clear();
  ASSERT_EQ(shelves[0]->volumes().size(), 2u);
  EXPECT_EQ(shelves[0]->volumes()[0]->title(), "x") << "order_by = Volume.title";
  EXPECT_EQ(shelves[0]->volumes()[1]->title(), "y");
  ASSERT_EQ(shelves[1]->volumes().size(), 1u);
  EXPECT_EQ(shelves[1]->volumes()[0]->title(), "z");
  EXPECT_TRUE(shelves[2]->volumes().empty());
  const auto entries = log_->entries();
  ASSERT_EQ(entries.size(), 1u) << "one IN query for the three parents" << dump();
  EXPECT_TRUE(starts_with(entries[0].sql, "SELECT rel_volume.")) << entries[0].sql;
  EXPECT_TRUE(contains(entries[0].sql, " IN (")) << entries[0].sql;
  EXPECT_EQ(entries[0].params.size(), 3u);
}

TEST_F(LoaderTest, SelectinChunksFiveHundredParentsPerQuery) {
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
  auto shelves = session.scalars(ormc::select<Shelf>()).all();
  ASSERT_EQ(shelves.size(), 501u);
  log_->clear();
  std::size_t volumes = 0;
  for (const auto& shelf : shelves) {
    ASSERT_EQ(shelf->volumes().size(), 1u);
    EXPECT_EQ(shelf->volumes()[0]->title(), "v" + shelf->name().substr(1));
    volumes += shelf->volumes().size();
  }
  EXPECT_EQ(volumes, 501u);
  const auto entries = log_->entries();
  ASSERT_EQ(entries.size(), 2u) << "501 parents: two IN queries, not 501 SELECTs";
  EXPECT_EQ(entries[0].params.size(), 500u);
  EXPECT_EQ(entries[1].params.size(), 1u);
}

}  // namespace
