// passive_updates on SQLite and PostgreSQL with natural primary keys (SQLAlchemy's test_naturalpks):
// true leaves a parent's key change to ON UPDATE CASCADE and only follows in memory; false loads the
// collection and UPDATEs each child's foreign key after the parent's row.
#include <memory>
#include <string>
#include <vector>

#include "relationship_fixture.hpp"

namespace {

using ormc_test::contains;
using ormc_test::starts_with;
using reltest::Artisan;
using reltest::Citizen;
using reltest::Guild;
using reltest::Province;
using reltest::Realm;
using reltest::Town;

using PassiveUpdatesTest = ormc_test::RelationshipTest;

void store_realm(ormc::Database& db, const std::string& code, const std::vector<std::string>& citizens) {
  ormc::Session s(db);
  auto realm = Realm::create({.code = code, .title = "realm " + code});
  for (const auto& c : citizens) realm->citizens().add(Citizen::create({.name = c}));
  s.add(realm);
  s.commit();
}

void store_guild(ormc::Database& db, const std::string& code, const std::vector<std::string>& artisans) {
  ormc::Session s(db);
  auto guild = Guild::create({.code = code, .title = "guild " + code});
  for (const auto& a : artisans) guild->artisans().add(Artisan::create({.name = a}));
  s.add(guild);
  s.commit();
}

TEST_F(PassiveUpdatesTest, ForeignKeysOfPassiveUpdatesCarryOnUpdateCascade) {
  const auto dialect = ormc_test::backend() == "postgresql" ? ormc::DialectKind::PostgreSQL : ormc::DialectKind::SQLite;
  bool citizen = false;
  for (const auto& ddl : reltest::metadata().create_statements(dialect)) {
    if (!starts_with(ddl, "CREATE TABLE IF NOT EXISTS rel_citizen ")) continue;
    citizen = true;
    EXPECT_TRUE(contains(ddl, "REFERENCES rel_realm (code) ON UPDATE CASCADE")) << ddl;
  }
  EXPECT_TRUE(citizen);
}

TEST_F(PassiveUpdatesTest, TrueEmitsOnlyTheParentUpdateAndChildrenFollowInMemory) {
  store_realm(*db_, "north", {"ann", "bob"});
  ormc::Session session(*db_);
  auto realm = session.get<Realm>(std::string("north"));
  auto citizens = realm->citizens().to_vector();
  ASSERT_EQ(citizens.size(), 2u);
  log_->clear();
  realm->set_code("south");
  session.flush();
  const auto entries = log_->entries();
  ASSERT_EQ(entries.size(), 1u) << "the database cascades; no UPDATE per child" << dump();
  EXPECT_TRUE(starts_with(entries[0].sql, "UPDATE rel_realm SET code = ")) << entries[0].sql;
  for (const auto& c : citizens) EXPECT_EQ(c->realm_code(), std::optional<std::string>("south")) << c->name();
  EXPECT_EQ(citizens[0]->realm(), realm) << "the reference finds the parent under its new key";
  log_->clear();
  session.commit();
  EXPECT_EQ(log_->size(), 0u) << "the children were not left dirty" << dump();
  ormc::Session fresh(*db_);
  EXPECT_EQ(fresh.get<Realm>(std::string("south"))->citizens().size(), 2u) << "ON UPDATE CASCADE moved the rows";
}

TEST_F(PassiveUpdatesTest, TrueNeverLoadsTheCollectionAndUpdatesChildrenInTheIdentityMap) {
  store_realm(*db_, "north", {"ann"});
  ormc::Session session(*db_);
  auto ann = session.scalars(ormc::select<Citizen>()).one();
  auto realm = session.get<Realm>(std::string("north"));
  log_->clear();
  realm->set_code("east");
  session.flush();
  const auto sql = log_->sql();
  ASSERT_EQ(sql.size(), 1u) << "no SELECT of the unloaded collection" << dump();
  EXPECT_TRUE(starts_with(sql[0], "UPDATE rel_realm ")) << sql[0];
  EXPECT_EQ(ann->realm_code(), std::optional<std::string>("east")) << "in the identity map, not in a loaded collection";
  EXPECT_EQ(log_->size(), 1u) << dump();
}

TEST_F(PassiveUpdatesTest, TrueFailedFlushPutsTheChildrensKeysBack) {
  store_realm(*db_, "north", {"ann"});
  store_realm(*db_, "west", {});
  ormc::Session session(*db_);
  auto realm = session.get<Realm>(std::string("north"));
  auto ann = realm->citizens().to_vector().at(0);
  realm->set_code("west");  // taken: the UPDATE violates the primary key
  EXPECT_THROW(session.flush(), ormc::IntegrityError);
  EXPECT_EQ(ann->realm_code(), std::optional<std::string>("north")) << "a failed flush loses nothing";
  session.rollback();
}

TEST_F(PassiveUpdatesTest, TrueRewritesAreExpiredWhenTheSavepointRollsBack) {
  store_realm(*db_, "north", {"ann"});
  ormc::Session session(*db_);
  auto realm = session.get<Realm>(std::string("north"));
  auto ann = realm->citizens().to_vector().at(0);
  auto nested = session.begin_nested();
  realm->set_code("south");
  session.flush();
  EXPECT_EQ(ann->realm_code(), std::optional<std::string>("south"));
  nested.rollback();
  log_->clear();
  EXPECT_EQ(ann->realm_code(), std::optional<std::string>("north")) << "reloaded: the cascade was rolled back";
  ASSERT_EQ(log_->size(), 1u) << dump();
  EXPECT_TRUE(starts_with(log_->sql()[0], "SELECT ")) << log_->sql()[0];
  session.rollback();
}

TEST_F(PassiveUpdatesTest, FalseLoadsTheCollectionByTheOldKeyAndUpdatesEachChild) {
  store_guild(*db_, "smiths", {"bea", "cid"});
  ormc::Session session(*db_);
  auto guild = session.get<Guild>(std::string("smiths"));
  log_->clear();
  guild->set_code("forgers");
  session.commit();
  const auto entries = log_->entries();
  ASSERT_GE(entries.size(), 3u) << dump();
  EXPECT_TRUE(starts_with(entries[0].sql, "SELECT rel_artisan.")) << "loaded, as SQLAlchemy does: " << entries[0].sql;
  EXPECT_TRUE(contains(entries[0].sql, "WHERE rel_artisan.guild_code = ")) << entries[0].sql;
  EXPECT_EQ(entries[0].params.at(0), ormc::Value("smiths")) << "by the key the rows still have";
  EXPECT_TRUE(starts_with(entries[1].sql, "UPDATE rel_guild SET code = ")) << "the parent first: " << entries[1].sql;
  std::size_t child_params = 0;
  for (std::size_t i = 2; i < entries.size(); ++i) {
    EXPECT_TRUE(starts_with(entries[i].sql, "UPDATE rel_artisan SET guild_code = ")) << entries[i].sql;
    for (const auto& p : entries[i].params) child_params += p == ormc::Value("forgers");
  }
  EXPECT_EQ(child_params, 2u) << "each child's foreign key is written" << dump();
  for (const auto& a : guild->artisans()) EXPECT_EQ(a->guild_code(), std::optional<std::string>("forgers"));
  ormc::Session fresh(*db_);
  EXPECT_EQ(fresh.get<Guild>(std::string("forgers"))->artisans().size(), 2u);
}

TEST_F(PassiveUpdatesTest, FalseWithALoadedCollectionIssuesNoSelect) {
  store_guild(*db_, "smiths", {"bea"});
  ormc::Session session(*db_);
  auto guild = session.get<Guild>(std::string("smiths"));
  auto bea = guild->artisans().to_vector().at(0);
  log_->clear();
  guild->set_code("forgers");
  session.commit();
  const auto sql = log_->sql();
  ASSERT_EQ(sql.size(), 2u) << dump();
  EXPECT_TRUE(starts_with(sql[0], "UPDATE rel_guild SET code = ")) << sql[0];
  EXPECT_TRUE(starts_with(sql[1], "UPDATE rel_artisan SET guild_code = ")) << sql[1];
  EXPECT_EQ(bea->guild_code(), std::optional<std::string>("forgers"));
}

// A many-to-one with passive_updates = false and no one-to-many side: only the referencing objects
// in memory can be found (nothing loads them), and each gets an UPDATE of its foreign key.
TEST_F(PassiveUpdatesTest, FalseOnAManyToOneUpdatesTheReferencingObjectsInMemory) {
  {
    ormc::Session s(*db_);
    auto province = Province::create({.code = "old", .title = "p"});
    auto near = Town::create({.name = "near"});
    auto far = Town::create({.name = "far"});
    near->set_province(province);
    far->set_province(province);
    s.add(near);
    s.add(far);
    s.commit();
  }
  ormc::Session session(*db_);
  auto near = session.scalars(ormc::select<Town>().where(Town::c.name == "near")).one();
  auto province = near->province();
  ASSERT_NE(province, nullptr);
  log_->clear();
  province->set_code("new");
  session.flush();
  const auto entries = log_->entries();
  ASSERT_EQ(entries.size(), 2u) << "the town not in memory is left to ON UPDATE CASCADE" << dump();
  EXPECT_TRUE(starts_with(entries[0].sql, "UPDATE rel_province SET code = ")) << entries[0].sql;
  EXPECT_TRUE(starts_with(entries[1].sql, "UPDATE rel_town SET province_code = ")) << entries[1].sql;
  EXPECT_EQ(entries[1].params.at(0), ormc::Value("new"));
  EXPECT_EQ(near->province_code(), std::optional<std::string>("new"));
  EXPECT_EQ(near->province(), province);
  session.commit();
  ormc::Session fresh(*db_);
  EXPECT_EQ(fresh.scalars(ormc::select<Town>().where(Town::c.province_code == "new")).all().size(), 2u);
}

}  // namespace
