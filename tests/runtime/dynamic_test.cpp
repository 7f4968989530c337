// Dynamic collections on SQLite and PostgreSQL: the reference program's flushes and every read's statements,
// asserted through the log (SPEC §3, §4: parent criterion, count(*) never a load, LIMIT/OFFSET, autoflush).
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "orgs.orm.hpp"
#include "test_backend.hpp"

namespace {

using orgs::Member;
using orgs::Organization;
using orgs::Player;
using orgs::Sponsor;
using orgs::Team;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }
bool starts_with(const std::string& text, const std::string& prefix) { return text.rfind(prefix, 0) == 0; }

class DynamicTest : public ormc_test::DatabaseTest<&orgs::metadata> {
 protected:
  static std::shared_ptr<Member> member(const std::string& name) { return Member::create({.name = name}); }

  /// An organization with `n` members "m0".."m<n-1>", committed; the log is cleared afterwards.
  std::shared_ptr<Organization> stored_org(ormc::Session& session, int n) {
    auto org = Organization::create({.name = "org"});
    for (int i = 0; i < n; ++i) org->members().append(member("m" + std::to_string(i)));
    session.add(org);
    session.commit();
    log_->clear();
    return org;
  }

  /// The placeholder text of parameter `n` in this backend's SQL.
  static std::string placeholder(int n) { return (ormc_test::backend() == "postgresql" ? "$" : "?") + std::to_string(n); }
};

// The reference program (large_collection_example_06): three flushes, each with its exact statements.
TEST_F(DynamicTest, ReferenceProgramThreeFlushes) {
  std::int32_t org_id = 0;
  {  // flush one: save org + 3 members
    ormc::Session session(*db_);
    auto org = Organization::create({.name = "org one"});
    org->members().append(member("member one"));
    org->members().append(member("member two"));
    org->members().append(member("member three"));
    session.add(org);
    session.commit();
    const auto entries = log_->entries();
    ASSERT_EQ(entries.size(), 2u) << "INSERT org, one multi-row INSERT of members";
    EXPECT_TRUE(starts_with(entries[0].sql, "INSERT INTO organizations (org_name) VALUES")) << entries[0].sql;
    EXPECT_TRUE(starts_with(entries[1].sql, "INSERT INTO members (member_name, org_id) ")) << entries[1].sql;
    const auto rows = ormc_test::inserted_rows(entries[1]);
    ASSERT_EQ(rows.size(), 3u) << "three rows in one statement";
    EXPECT_EQ(rows[2][0], "member three");
    EXPECT_EQ(rows[2][1], std::to_string(org->org_id()));
    org_id = org->org_id();
  }
  {  // load a subset of members
    ormc::Session session(*db_);
    auto org = session.get<Organization>(org_id);
    ASSERT_TRUE(org);
    log_->clear();
    auto some = org->members().filter(Member::c.name.like("%member t%")).limit(10).all();
    ASSERT_EQ(some.size(), 2u);
    EXPECT_EQ(some[0]->name(), "member two");
    EXPECT_EQ(some[1]->name(), "member three");
    const auto entries = log_->entries();
    ASSERT_EQ(entries.size(), 1u);
    const std::string& sql = entries[0].sql;
    EXPECT_TRUE(starts_with(sql, "SELECT members.member_id, members.member_name, members.org_id FROM members WHERE "))
        << sql;
    EXPECT_TRUE(contains(sql, "members.org_id = " + placeholder(1))) << "parent criterion: " << sql;
    EXPECT_TRUE(contains(sql, "members.member_name LIKE " + placeholder(2))) << sql;
    EXPECT_TRUE(contains(sql, " LIMIT " + placeholder(3))) << sql;
    ASSERT_EQ(entries[0].params.size(), 3u);
    EXPECT_EQ(entries[0].params[0], ormc::Value(std::int64_t{org_id}));
    EXPECT_EQ(entries[0].params[2], ormc::Value(std::int64_t{10}));
  }
  {  // flush two: 3 more members, without loading any of the others
    ormc::Session session(*db_);
    auto org = session.get<Organization>(org_id);
    log_->clear();
    org->members().extend({member("member four"), member("member five"), member("member six")});
    session.commit();
    EXPECT_EQ(log_->count("SELECT"), 0u);
    ASSERT_EQ(log_->size(), 1u) << "one multi-row INSERT";
    EXPECT_TRUE(starts_with(log_->sql()[0], "INSERT INTO members")) << log_->sql()[0];
  }
  {  // flush three: delete the org in one statement; the database deletes its members
    ormc::Session session(*db_);
    auto org = session.get<Organization>(org_id);
    auto four = org->members().filter(Member::c.name == "member four").one();  // one member in the Session
    log_->clear();
    session.remove(org);
    session.flush();
    const auto sql = log_->sql();
    ASSERT_EQ(sql.size(), 1u) << "passive_deletes: one DELETE, members neither loaded nor deleted one by one";
    EXPECT_TRUE(starts_with(sql[0], "DELETE FROM organizations WHERE org_id = ")) << sql[0];
    EXPECT_EQ(ormc::state_of(*four), ormc::ObjectState::Deleted) << "the in-Session member is marked deleted";
    log_->clear();
    EXPECT_EQ(org->members().count(), 0u);
    ASSERT_EQ(log_->size(), 1u);
    EXPECT_TRUE(starts_with(log_->sql()[0], "SELECT count(*) FROM members WHERE members.org_id = ")) << log_->sql()[0];
    session.commit();
  }
}

TEST_F(DynamicTest, CountIsOneCountStarQueryAndNeverALoad) {
  ormc::Session session(*db_);
  auto org = stored_org(session, 5);
  auto other = Organization::create({.name = "other"});
  other->members().append(member("m0"));
  session.add(other);
  session.commit();
  log_->clear();

  EXPECT_EQ(org->members().count(), 5u);
  EXPECT_EQ(org->members().filter(Member::c.name.in_({"m1", "m3", "x"})).count(), 2u);
  EXPECT_EQ(org->members().slice(1, 3).count(), 2u);
  EXPECT_EQ(org->members().offset(4).count(), 1u);
  EXPECT_EQ(org->members().offset(9).count(), 0u);
  EXPECT_EQ(org->members().limit(3).count(), 3u);
  const auto entries = log_->entries();
  ASSERT_EQ(entries.size(), 6u) << "one statement per count()";
  for (const auto& e : entries) {
    EXPECT_TRUE(starts_with(e.sql, "SELECT count(*) FROM members WHERE members.org_id = ")) << e.sql;
    EXPECT_FALSE(contains(e.sql, "ORDER BY")) << e.sql;
    EXPECT_EQ(e.params[0], ormc::Value(std::int64_t{org->org_id()}));
  }
  EXPECT_TRUE(contains(entries[1].sql, " IN (")) << entries[1].sql;
}

TEST_F(DynamicTest, SliceAndIndexUseLimitAndOffset) {
  ormc::Session session(*db_);
  auto org = stored_org(session, 5);

  auto page = org->members().order_by(Member::c.member_id).slice(1, 3).all();
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[0]->name(), "m1");
  EXPECT_EQ(page[1]->name(), "m2");
  auto entries = log_->entries();
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_TRUE(contains(entries[0].sql, "ORDER BY members.member_id LIMIT " + placeholder(2) + " OFFSET " + placeholder(3)))
      << entries[0].sql;
  EXPECT_EQ(entries[0].params[1], ormc::Value(std::int64_t{2}));
  EXPECT_EQ(entries[0].params[2], ormc::Value(std::int64_t{1}));

  // A slice of a slice narrows it, as Python's rows[1:4][1:5] == rows[2:4].
  auto narrowed = org->members().order_by(Member::c.member_id).slice(1, 4).slice(1, 5).all();
  ASSERT_EQ(narrowed.size(), 2u);
  EXPECT_EQ(narrowed[0]->name(), "m2");
  EXPECT_EQ(narrowed[1]->name(), "m3");

  log_->clear();
  auto third = org->members().order_by(Member::c.member_id)[2];
  EXPECT_EQ(third->name(), "m2");
  entries = log_->entries();
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_TRUE(contains(entries[0].sql, "LIMIT " + placeholder(2) + " OFFSET " + placeholder(3))) << entries[0].sql;
  EXPECT_EQ(entries[0].params[1], ormc::Value(std::int64_t{1}));
  EXPECT_EQ(entries[0].params[2], ormc::Value(std::int64_t{2}));

  EXPECT_THROW((void)org->members()[5], ormc::NoResultFound) << "past the end: IndexError's counterpart";

  // stop <= start is empty, as in Python, and needs no SQL.
  log_->clear();
  EXPECT_TRUE(org->members().slice(3, 1).all().empty());
  EXPECT_EQ(org->members().slice(2, 2).count(), 0u);
  EXPECT_EQ(log_->count("SELECT"), 0u);
}

TEST_F(DynamicTest, NegativeIndexesAreRefused) {
  ormc::Session session(*db_);
  auto org = stored_org(session, 2);
  try {
    (void)org->members()[-1];
    FAIL() << "a negative index must throw";
  } catch (const ormc::NoResultFound&) {
    FAIL() << "a negative index is refused, not out of range";
  } catch (const ormc::InvalidRequestError& e) {
    EXPECT_TRUE(contains(e.what(), "Negative indexes")) << e.what();
    EXPECT_TRUE(contains(e.what(), "\"Organization.members\"")) << e.what();
  }
  EXPECT_THROW((void)org->members().slice(-2, 1), ormc::InvalidRequestError);
  EXPECT_THROW((void)org->members().slice(0, -1), ormc::InvalidRequestError);
  EXPECT_THROW((void)org->members().limit(-1), ormc::InvalidRequestError);
  EXPECT_THROW((void)org->members().offset(-1), ormc::InvalidRequestError);
  EXPECT_EQ(log_->size(), 0u) << "refused before any SQL";
}

TEST_F(DynamicTest, ReadsAutoflushPendingChangesFirst) {
  ormc::Session session(*db_);
  auto org = stored_org(session, 1);
  org->members().append(member("new"));
  EXPECT_EQ(org->members().count(), 2u) << "the appended member is flushed before the count";
  auto sql = log_->sql();
  ASSERT_EQ(sql.size(), 2u);
  EXPECT_TRUE(starts_with(sql[0], "INSERT INTO members")) << sql[0];
  EXPECT_TRUE(starts_with(sql[1], "SELECT count(*)")) << sql[1];

  auto old = org->members().filter(Member::c.name == "m0").one();
  log_->clear();
  org->members().remove(old);
  auto rest = org->members().all();
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0]->name(), "new");
  sql = log_->sql();
  ASSERT_EQ(sql.size(), 2u);
  EXPECT_TRUE(starts_with(sql[0], "DELETE FROM members")) << sql[0];
  EXPECT_TRUE(starts_with(sql[1], "SELECT members.member_id")) << sql[1];

  // A pending parent is flushed too, so its collection is queried.
  auto fresh = Organization::create({.name = "fresh"});
  fresh->members().append(member("a"));
  session.add(fresh);
  log_->clear();
  EXPECT_EQ(fresh->members().first()->name(), "a");
  EXPECT_EQ(log_->count("INSERT"), 2u);
  EXPECT_EQ(log_->count("SELECT"), 1u);
  EXPECT_TRUE(contains(log_->sql().back(), "LIMIT")) << "first() reads one row: " << log_->sql().back();
}

TEST_F(DynamicTest, ParentWithoutARowAnswersFromItsPendingItemsWithoutSql) {
  auto org = Organization::create({.name = "transient"});
  auto a = member("a");
  auto b = member("b");
  auto c = member("c");
  org->members().extend({a, b, c});
  EXPECT_EQ(org->members().count(), 3u);
  EXPECT_EQ(org->members().all(), (std::vector<std::shared_ptr<Member>>{a, b, c}));
  EXPECT_EQ(org->members()[1], b);
  EXPECT_EQ(org->members().first(), a);
  EXPECT_EQ(org->members().slice(1, 5).count(), 2u);
  EXPECT_EQ(org->members().offset(2).all(), (std::vector<std::shared_ptr<Member>>{c}));
  EXPECT_THROW((void)org->members()[3], ormc::NoResultFound);
  EXPECT_THROW((void)org->members().one(), ormc::MultipleResultsFound);
  std::vector<std::shared_ptr<Member>> seen;
  for (auto& m : org->members()) seen.push_back(m);
  EXPECT_EQ(seen.size(), 3u);
  org->members().remove(b);
  EXPECT_EQ(org->members().count(), 2u);
  // Criteria can't be evaluated in memory: refused, not silently ignored.
  EXPECT_THROW((void)org->members().filter(Member::c.name == "a").all(), ormc::InvalidRequestError);
  EXPECT_THROW((void)org->members().select(), ormc::InvalidRequestError);

  // Pending in a Session with autoflush off: still no row, still no SQL.
  ormc::Session session(*db_, {.autoflush = false});
  session.add(org);
  EXPECT_EQ(org->members().count(), 2u);
  EXPECT_EQ(log_->size(), 0u);
  session.commit();
  log_->clear();
  EXPECT_EQ(org->members().count(), 2u);
  EXPECT_EQ(log_->count("SELECT count(*)"), 1u) << "with a row, the database answers";
}

TEST_F(DynamicTest, DetachedParentWithARowIsRefused) {
  std::shared_ptr<Organization> org;
  {
    ormc::Session session(*db_);
    org = stored_org(session, 2);
    session.close();
  }
  try {
    (void)org->members().count();
    FAIL() << "a detached parent can't be queried";
  } catch (const ormc::InvalidRequestError& e) {
    EXPECT_TRUE(contains(e.what(), "detached")) << e.what();
    EXPECT_TRUE(contains(e.what(), "\"Organization.members\"")) << e.what();
  }
  EXPECT_THROW((void)org->members().all(), ormc::InvalidRequestError);
  EXPECT_EQ(log_->size(), 0u);
}

TEST_F(DynamicTest, FilterReturnsARefinedCopyAndTheCollectionStaysWhole) {
  ormc::Session session(*db_);
  auto org = stored_org(session, 4);
  auto some = org->members().filter(Member::c.name >= "m2");
  auto fewer = some.filter(Member::c.name != "m3");
  EXPECT_EQ(some.count(), 2u);
  EXPECT_EQ(fewer.count(), 1u);
  EXPECT_EQ(fewer.one()->name(), "m2");
  EXPECT_EQ(org->members().count(), 4u) << "filter() did not narrow the relationship itself";
  // The refined query reads the database each time: it sees later changes (after autoflush).
  org->members().append(member("m9"));
  EXPECT_EQ(some.count(), 3u);
  EXPECT_THROW((void)some.one(), ormc::MultipleResultsFound);
  EXPECT_EQ(org->members().filter(Member::c.name == "zz").one_or_none(), nullptr);
  EXPECT_THROW((void)org->members().filter(Member::c.name == "zz").one(), ormc::NoResultFound);
  // select() hands the same statement to session.scalars().
  auto via_session = session.scalars(some.select()).all();
  EXPECT_EQ(via_session.size(), 3u);
}

TEST_F(DynamicTest, RemoveWithDeleteOrphanDeletesWithTheParentCriterion) {
  ormc::Session session(*db_);
  auto org = stored_org(session, 2);
  auto other = stored_org(session, 1);
  auto m0 = org->members().filter(Member::c.name == "m0").one();
  log_->clear();
  org->members().remove(m0);
  session.commit();
  const auto entries = log_->entries();
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_TRUE(starts_with(entries[0].sql, "DELETE FROM members WHERE member_id = ")) << entries[0].sql;
  EXPECT_TRUE(contains(entries[0].sql, "AND org_id = ")) << entries[0].sql;
  EXPECT_EQ(org->members().count(), 1u);
  // A member of another organization is not in this collection.
  auto theirs = other->members().one();
  EXPECT_THROW(org->members().remove(theirs), ormc::InvalidRequestError);
  EXPECT_EQ(other->members().count(), 1u);
}

TEST_F(DynamicTest, RemoveWithoutDeleteOrphanSetsTheForeignKeyToNull) {
  ormc::Session session(*db_);
  auto team = Team::create({.name = "t"});
  auto p = Player::create({.number = 7, .name = "seven"});
  team->players().append(p);
  session.add(team);
  session.commit();
  log_->clear();
  team->players().remove(p);
  session.commit();
  const auto sql = log_->sql();
  ASSERT_EQ(sql.size(), 1u);
  EXPECT_TRUE(starts_with(sql[0], "UPDATE player SET team_id = ")) << sql[0];
  EXPECT_TRUE(contains(sql[0], "AND team_id = ")) << "parent criterion: " << sql[0];
  EXPECT_EQ(team->players().count(), 0u);
  EXPECT_EQ(session.scalar(ormc::select(ormc::count()).select_from<Player>()), 1) << "the row stays";
}

TEST_F(DynamicTest, ConfiguredOrderAppliesAndCanBeExtendedOrCleared) {
  ormc::Session session(*db_);
  auto team = Team::create({.name = "t"});
  for (int n : {4, 9, 1}) team->players().append(Player::create({.number = n, .name = "p" + std::to_string(n)}));
  session.add(team);
  session.commit();
  log_->clear();

  auto players = team->players().all();
  ASSERT_EQ(players.size(), 3u);
  EXPECT_EQ(players[0]->number(), 9);
  EXPECT_EQ(players[2]->number(), 1);
  EXPECT_TRUE(contains(log_->sql()[0], "ORDER BY player.number DESC")) << log_->sql()[0];

  log_->clear();
  (void)team->players().order_by(Player::c.name).all();
  EXPECT_TRUE(contains(log_->sql()[0], "ORDER BY player.number DESC, player.name")) << "appended: " << log_->sql()[0];

  log_->clear();
  auto by_number = team->players().unordered().order_by(Player::c.number).all();
  EXPECT_TRUE(contains(log_->sql()[0], "ORDER BY player.number")) << log_->sql()[0];
  EXPECT_FALSE(contains(log_->sql()[0], "DESC")) << log_->sql()[0];
  EXPECT_EQ(by_number[0]->number(), 1);

  log_->clear();
  (void)team->players().unordered().all();
  EXPECT_FALSE(contains(log_->sql()[0], "ORDER BY")) << log_->sql()[0];
}

TEST_F(DynamicTest, IterationStreamsInBatches) {
  constexpr int kRows = 2500;
  ormc::Session session(*db_);
  auto org = stored_org(session, kRows);
  session.expunge(org);  // the members the commit left in the Session don't matter: nothing holds them
  session.add(org);
  log_->clear();

  int seen = 0;
  std::weak_ptr<Member> earlier;
  for (auto& m : org->members()) {
    if (seen == 10) earlier = m;
    if (seen == 20) {
      EXPECT_TRUE(earlier.expired()) << "rows the loop dropped are freed while it runs";
    }
    ++seen;
  }
  EXPECT_EQ(seen, kRows);
  if (ormc_test::backend() == "postgresql") {
    EXPECT_EQ(log_->count("DECLARE"), 1u);
    EXPECT_EQ(log_->count("FETCH FORWARD 1000"), 3u) << "1000 + 1000 + 500 rows";
    EXPECT_EQ(log_->count("CLOSE"), 1u);
  } else {
    EXPECT_EQ(log_->count("SELECT members.member_id"), 1u) << "one stepped statement";
  }
}

TEST_F(DynamicTest, DeletingAParentWithPassiveDeletesIsOneDelete) {
  ormc::Session session(*db_);
  auto org = stored_org(session, 50);
  session.remove(org);
  session.commit();
  const auto sql = log_->sql();
  ASSERT_EQ(sql.size(), 1u) << "no SELECT of the collection, no DELETE per member";
  EXPECT_TRUE(starts_with(sql[0], "DELETE FROM organizations")) << sql[0];
  EXPECT_EQ(session.scalar(ormc::select(ormc::count()).select_from<Member>()), 0) << "ON DELETE CASCADE did the rest";
}

TEST_F(DynamicTest, DeletingAParentWithoutPassiveDeletesLoadsAndDeletesEachChildFirst) {
  ormc::Session session(*db_);
  auto team = Team::create({.name = "t"});
  for (int n : {1, 2, 3}) team->players().append(Player::create({.number = n, .name = "p"}));
  session.add(team);
  session.commit();
  log_->clear();
  session.remove(team);
  session.commit();
  const auto sql = log_->sql();
  ASSERT_EQ(sql.size(), 3u) << "SELECT the children once, DELETE them (one batch), DELETE the parent";
  EXPECT_EQ(log_->count("SELECT"), 1u) << "the collection is loaded once";
  EXPECT_TRUE(starts_with(sql[0], "SELECT player.")) << "the collection is loaded, as SQLAlchemy does: " << sql[0];
  EXPECT_TRUE(contains(sql[0], "team_id = ")) << sql[0];
  std::size_t player_deletes = 0;
  for (std::size_t i = 1; i + 1 < sql.size(); ++i) {
    EXPECT_FALSE(starts_with(sql[i], "UPDATE")) << "children are deleted, not detached: " << sql[i];
    if (starts_with(sql[i], "DELETE FROM player")) ++player_deletes;
  }
  EXPECT_GE(player_deletes, 1u) << "each loaded child is deleted before its parent";
  EXPECT_TRUE(starts_with(sql.back(), "DELETE FROM team ")) << "the parent goes last: " << sql.back();
  EXPECT_EQ(session.scalar(ormc::select(ormc::count()).select_from<Player>()), 0);
}

TEST_F(DynamicTest, ManyToManyGoesThroughTheAssociationTable) {
  ormc::Session session(*db_);
  auto team = Team::create({.name = "t"});
  auto s1 = Sponsor::create({.name = "acme"});
  auto s2 = Sponsor::create({.name = "globex"});
  session.add_all(std::vector<std::shared_ptr<Sponsor>>{s1, s2});
  session.add(team);
  session.commit();
  log_->clear();

  team->sponsors().extend({s1, s2});
  session.commit();
  ASSERT_EQ(log_->size(), 1u);
  EXPECT_TRUE(starts_with(log_->sql()[0], "INSERT INTO team_sponsor")) << log_->sql()[0];

  log_->clear();
  EXPECT_EQ(team->sponsors().count(), 2u);
  EXPECT_EQ(team->sponsors().filter(Sponsor::c.name == "globex").one(), s2);
  const auto sql = log_->sql();
  ASSERT_EQ(sql.size(), 2u);
  EXPECT_TRUE(starts_with(sql[0], "SELECT count(*) FROM sponsor, team_sponsor WHERE ")) << sql[0];
  EXPECT_TRUE(contains(sql[1], "FROM sponsor, team_sponsor WHERE team_sponsor.team_id = ")) << sql[1];

  log_->clear();
  team->sponsors().remove(s1);
  EXPECT_EQ(team->sponsors().count(), 1u) << "autoflushed: the association row is gone";
  EXPECT_TRUE(starts_with(log_->sql()[0], "DELETE FROM team_sponsor")) << log_->sql()[0];
  EXPECT_EQ(session.scalar(ormc::select(ormc::count()).select_from<Sponsor>()), 2) << "sponsors themselves stay";
}

}  // namespace
