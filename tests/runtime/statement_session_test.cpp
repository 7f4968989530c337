// Typed statements through a Session on SQLite and PostgreSQL: results, errors, autoflush, yield_per, execute counts.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "statement.orm.hpp"
#include "test_backend.hpp"

namespace {

using ormc::Decimal;
using stmttest::Author;
using stmttest::Book;
using stmttest::Tag;

class StatementTest : public ormc_test::DatabaseTest<&stmttest::metadata> {
 protected:
  [[nodiscard]] bool postgresql() const { return db_->dialect() == ormc::DialectKind::PostgreSQL; }

  /// Five committed authors: Ada (1.50, active, email), Bob (2.50), Cy (3.00, score 9), Di (4.25), Eve (0.75).
  void seed_authors() {
    ormc::Session s(*db_);
    s.add(Author::create({.name = "Cy", .rating = Decimal("3.00"), .score = 9.0, .active = true}));
    s.add(Author::create({.name = "Ada", .email = "ada@example.org", .rating = Decimal("1.50"), .active = true}));
    s.add(Author::create({.name = "Eve", .rating = Decimal("0.75"), .active = false}));
    s.add(Author::create({.name = "Bob", .rating = Decimal("2.50"), .active = false}));
    s.add(Author::create({.name = "Di", .rating = Decimal("4.25"), .active = true}));
    s.commit();
    log_->clear();
  }

  static std::vector<std::string> names(const std::vector<std::shared_ptr<Author>>& authors) {
    std::vector<std::string> out;
    for (const auto& a : authors) out.push_back(a->name());
    return out;
  }
};

using Names = std::vector<std::string>;

TEST_F(StatementTest, AllUsesTheEntityDefaultOrderAndOneSelect) {
  seed_authors();
  ormc::Session session(*db_);
  auto all = session.scalars(ormc::select<Author>()).all();
  EXPECT_EQ(names(all), (Names{"Ada", "Bob", "Cy", "Di", "Eve"}));
  ASSERT_EQ(log_->size(), 1u);
  EXPECT_NE(log_->sql()[0].find("ORDER BY author.name"), std::string::npos) << log_->sql()[0];
}

TEST_F(StatementTest, WhereOrderLimitOffset) {
  seed_authors();
  ormc::Session session(*db_);
  auto page = session
                  .scalars(ormc::select<Author>()
                               .where(Author::c.rating > 1)
                               .where(Author::c.active || Author::c.name == "Bob")
                               .order_by(Author::c.rating.desc())
                               .limit(2)
                               .offset(1))
                  .all();
  EXPECT_EQ(names(page), (Names{"Cy", "Bob"}));  // Di 4.25, [Cy 3.00, Bob 2.50], Ada 1.50
  const auto e = log_->entries().back();
  EXPECT_EQ(e.params, (std::vector<ormc::Value>{ormc::Value(1), ormc::Value("Bob"), ormc::Value(std::int64_t{2}),
                                               ormc::Value(std::int64_t{1})}));
}

TEST_F(StatementTest, LikeInBetweenAndNulls) {
  seed_authors();
  ormc::Session session(*db_);
  auto q = [&](auto stmt) { return names(session.scalars(stmt.order_by(Author::c.name)).all()); };
  EXPECT_EQ(q(ormc::select<Author>().where(Author::c.name.like("%e%"))), (Names{"Eve"}));
  EXPECT_EQ(q(ormc::select<Author>().where(Author::c.name.in_({"Bob", "Di", "Zed"}))), (Names{"Bob", "Di"}));
  EXPECT_EQ(q(ormc::select<Author>().where(Author::c.name.in_(std::vector<std::string>{}))), Names{});
  EXPECT_EQ(q(ormc::select<Author>().where(!Author::c.name.in_(std::vector<std::string>{}))).size(), 5u);
  EXPECT_EQ(q(ormc::select<Author>().where(Author::c.rating.between(Decimal("1.50"), 3))), (Names{"Ada", "Bob", "Cy"}));
  EXPECT_EQ(q(ormc::select<Author>().where(Author::c.email.is_not_null())), (Names{"Ada"}));
  EXPECT_EQ(q(ormc::select<Author>().where(Author::c.email == std::nullopt, Author::c.score == std::nullopt)),
            (Names{"Bob", "Di", "Eve"}));
  EXPECT_EQ(q(ormc::select<Author>().where(Author::c.email == "ada@example.org")), (Names{"Ada"}));
  EXPECT_EQ(q(ormc::select<Author>().where(Author::c.score * 2 > 17.5)), (Names{"Cy"}));
  EXPECT_EQ(q(ormc::select<Author>().where(ormc::not_(Author::c.active))), (Names{"Bob", "Eve"}));
  EXPECT_EQ(q(ormc::select<Author>().where(Author::c.rating + 1 >= Author::c.rating * 2)), (Names{"Eve"}));
}

TEST_F(StatementTest, OneOneOrNoneFirst) {
  seed_authors();
  ormc::Session session(*db_);
  auto by_name = [](const char* n) { return ormc::select<Author>().where(Author::c.name == n); };
  EXPECT_EQ(session.scalars(by_name("Ada")).one()->name(), "Ada");
  EXPECT_THROW((void)session.scalars(by_name("Nobody")).one(), ormc::NoResultFound);
  EXPECT_THROW((void)session.scalars(ormc::select<Author>().where(Author::c.active)).one(), ormc::MultipleResultsFound);
  EXPECT_EQ(session.scalars(by_name("Nobody")).one_or_none(), nullptr);
  EXPECT_THROW((void)session.scalars(ormc::select<Author>()).one_or_none(), ormc::MultipleResultsFound);
  EXPECT_EQ(session.scalars(ormc::select<Author>()).first()->name(), "Ada");
  EXPECT_EQ(session.scalars(by_name("Nobody")).first(), nullptr);
  EXPECT_EQ(session.scalar(by_name("Di"))->name(), "Di");
  // Errors carry through the Error tree.
  try {
    (void)session.scalars(by_name("Nobody")).one();
    FAIL() << "one() returned without a row";
  } catch (const ormc::InvalidRequestError& e) {
    EXPECT_NE(std::string(e.what()).find("No row was found"), std::string::npos);
  }
}

TEST_F(StatementTest, RangeForWithoutYieldPerReadsEverythingFirst) {
  seed_authors();
  ormc::Session session(*db_);
  std::vector<std::string> seen;
  for (auto& a : session.scalars(ormc::select<Author>().where(Author::c.active))) seen.push_back(a->name());
  EXPECT_EQ(seen, (Names{"Ada", "Cy", "Di"}));
  EXPECT_EQ(log_->count("SELECT"), 1u);
  EXPECT_EQ(log_->count("DECLARE"), 0u);
}

TEST_F(StatementTest, TheIdentityMapWinsOverRowValues) {
  seed_authors();
  ormc::Session session(*db_, {.autoflush = false});
  auto ada = session.scalars(ormc::select<Author>().where(Author::c.name == "Ada")).one();
  ada->set_email("changed@example.org");  // not flushed (autoflush off)
  auto again = session.scalars(ormc::select<Author>().where(Author::c.rating < 2, Author::c.active)).one();
  EXPECT_EQ(again.get(), ada.get()) << "one row, one object";
  EXPECT_EQ(again->email(), "changed@example.org") << "a modified attribute is not overwritten by the row";
}

TEST_F(StatementTest, AutoflushMakesPendingObjectsVisibleToTheNextSelect) {
  seed_authors();
  ormc::Session session(*db_);
  auto zed = Author::create({.name = "Zed", .rating = Decimal("5.00"), .active = true});
  session.add(zed);
  auto found = session.scalars(ormc::select<Author>().where(Author::c.rating >= 5)).all();
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].get(), zed.get()) << "the flushed pending object is the row's object";
  const auto sql = log_->sql();
  ASSERT_EQ(sql.size(), 2u);
  EXPECT_EQ(sql[0].rfind("INSERT INTO author", 0), 0u) << sql[0];
  EXPECT_EQ(sql[1].rfind("SELECT", 0), 0u) << sql[1];
  // Counting autoflushes too.
  session.add(Author::create({.name = "Zoe", .rating = Decimal("6.00"), .active = true}));
  EXPECT_EQ(session.scalar(ormc::select(ormc::count()).select_from<Author>().where(Author::c.rating >= 5)), 2);
}

TEST_F(StatementTest, ScalarValuesAndAggregates) {
  seed_authors();
  ormc::Session session(*db_);
  EXPECT_EQ(session.scalar(ormc::select(ormc::count()).select_from<Author>()), 5);
  EXPECT_EQ(session.scalar(ormc::select(ormc::count(Author::c.email))), 1);
  EXPECT_EQ(session.scalar(ormc::select(ormc::sum(Author::c.rating))), Decimal("12.00"));
  EXPECT_EQ(session.scalar(ormc::select(ormc::min(Author::c.name))), std::optional<std::string>("Ada"));
  EXPECT_EQ(session.scalar(ormc::select(ormc::max(Author::c.rating)).where(Author::c.active)), Decimal("4.25"));
  const auto avg = session.scalar(ormc::select(ormc::avg(Author::c.rating)));
  ASSERT_TRUE(avg.has_value());
  EXPECT_EQ(avg->with_scale(2), Decimal("2.40"));
  EXPECT_EQ(session.scalar(ormc::select(ormc::sum(Author::c.rating)).where(Author::c.name == "Nobody")), std::nullopt)
      << "SUM over no rows is NULL";
  EXPECT_THROW((void)session.scalar(ormc::select(Author::c.name).where(Author::c.name == "Nobody")), ormc::NoResultFound);
  // A bare column is decoded as that column: Numeric(6, 2) keeps its scale on both databases.
  EXPECT_EQ(session.scalar(ormc::select(Author::c.rating).where(Author::c.name == "Cy")).str(), "3.00");
  EXPECT_EQ(session.scalars(ormc::select(Author::c.name).where(Author::c.rating > 2).order_by(Author::c.name)).all(),
            (Names{"Bob", "Cy", "Di"}));
  EXPECT_EQ(session.scalars(ormc::select(Author::c.email).where(Author::c.name.in_({"Ada", "Bob"})).order_by(Author::c.name)).all(),
            (std::vector<std::optional<std::string>>{"ada@example.org", std::nullopt}));
}

TEST_F(StatementTest, JoinsAlongRelationships) {
  seed_authors();
  ormc::Session session(*db_);
  auto ada = session.scalars(ormc::select<Author>().where(Author::c.name == "Ada")).one();
  auto bob = session.scalars(ormc::select<Author>().where(Author::c.name == "Bob")).one();
  session.execute(ormc::insert<Book>()
                      .values(Book::c.author_id = ada->id(), Book::c.title = "Notes", Book::c.pages = 30)
                      .values(Book::c.author_id = ada->id(), Book::c.title = "Engine", Book::c.pages = 300)
                      .values(Book::c.author_id = bob->id(), Book::c.title = "Dune", Book::c.pages = 600));
  session.execute(ormc::insert<Tag>().values({{Tag::c.label = "sf"}, {Tag::c.label = "math"}}));
  session.commit();
  db_->execute_sql(
      "INSERT INTO book_tag (book_id, tag_id) SELECT book.id, tag.id FROM book, tag "
      "WHERE (book.title = 'Dune' AND tag.label = 'sf') OR (book.title <> 'Dune' AND tag.label = 'math')");

  auto titles = [](const std::vector<std::shared_ptr<Book>>& books) {
    Names out;
    for (const auto& b : books) out.push_back(b->title());
    return out;
  };
  EXPECT_EQ(titles(session.scalars(ormc::select<Book>().join<Author>().where(Author::c.name == "Ada").order_by(Book::c.title)).all()),
            (Names{"Engine", "Notes"}));
  EXPECT_EQ(names(session.scalars(ormc::select<Author>().join<Book>().where(Book::c.pages > 100)).all()),
            (Names{"Ada", "Bob"}));
  EXPECT_EQ(titles(session.scalars(ormc::select<Book>().join<Tag>().where(Tag::c.label == "math").order_by(Book::c.pages)).all()),
            (Names{"Notes", "Engine"}));
  EXPECT_EQ(session.scalar(ormc::select(ormc::count()).select_from<Tag>().join<Book>().where(Book::c.title == "Dune")), 1);
}

TEST_F(StatementTest, ExecuteReturnsRowCountsAndKeepsObjectsCurrent) {
  seed_authors();
  ormc::Session session(*db_);
  auto cy = session.scalars(ormc::select<Author>().where(Author::c.name == "Cy")).one();
  auto eve = session.scalars(ormc::select<Author>().where(Author::c.name == "Eve")).one();
  log_->clear();

  EXPECT_EQ(session.execute(ormc::update<Author>()
                                .values(Author::c.rating = Author::c.rating + 1, Author::c.email = "x@example.org")
                                .where(Author::c.active)),
            3u);
  EXPECT_EQ(log_->sql().back(), postgresql()
                                    ? "UPDATE author SET rating = author.rating + $1, email = $2 WHERE author.active"
                                    : "UPDATE author SET rating = author.rating + ?1, email = ?2 WHERE author.active");
  EXPECT_EQ(cy->rating(), Decimal("4.00")) << "the SET columns of loaded objects are expired and reloaded";
  EXPECT_EQ(cy->email(), "x@example.org");
  EXPECT_EQ(session.execute(ormc::update<Author>().values(Author::c.score = 1.0).where(Author::c.name == "Nobody")), 0u);

  EXPECT_EQ(session.execute(ormc::delete_<Author>().where(Author::c.active == false)), 2u);
  EXPECT_THROW((void)eve->name(), ormc::ObjectDeletedError) << "a deleted row's object is not silently stale";
  EXPECT_EQ(cy->name(), "Cy");
  EXPECT_EQ(session.execute(ormc::insert<Author>()
                                .values(Author::c.name = "N1", Author::c.rating = 1, Author::c.active = true)
                                .values(Author::c.name = "N2", Author::c.rating = 2, Author::c.active = false)),
            2u);
  EXPECT_EQ(session.scalar(ormc::select(ormc::count()).select_from<Author>()), 5);
  session.commit();
}

TEST_F(StatementTest, BulkInsertIsSplitIntoPagesOfAThousandRows) {
  seed_authors();
  ormc::Session session(*db_);
  const auto author = session.scalars(ormc::select<Author>()).first()->id();
  std::vector<ormc::Insert<Book>::Row> rows;
  for (int i = 0; i < 12000; ++i)
    rows.push_back({Book::c.author_id = author, Book::c.title = "t" + std::to_string(i), Book::c.pages = i});
  log_->clear();
  EXPECT_EQ(session.execute(ormc::insert<Book>().values(rows)), 12000u);
  // Pages of 1,000 rows (3,000 parameters: within both databases' limits), all of one SQL text.
  const auto entries = log_->entries();
  ASSERT_EQ(entries.size(), 12u);
  for (const auto& e : entries) {
    EXPECT_EQ(e.sql, entries[0].sql);
    EXPECT_EQ(e.params.size(), 3000u);
  }
  EXPECT_EQ(session.scalar(ormc::select(ormc::count()).select_from<Book>()), 12000);
}

TEST_F(StatementTest, YieldPerStreamsAndFreesObjectsTheLoopDrops) {
  {
    ormc::Session s(*db_);
    std::vector<ormc::Insert<Author>::Row> rows;
    for (int i = 0; i < 25; ++i)
      rows.push_back({Author::c.name = "a" + std::string(i < 10 ? "0" : "") + std::to_string(i),
                      Author::c.rating = i, Author::c.active = true});
    s.execute(ormc::insert<Author>().values(rows));
    s.commit();
  }
  log_->clear();
  ormc::Session session(*db_);
  std::vector<std::weak_ptr<Author>> seen;
  std::size_t alive_max = 0;
  for (auto& a : session.scalars(ormc::select<Author>()).yield_per(10)) {
    seen.push_back(a);
    const auto alive = static_cast<std::size_t>(
        std::count_if(seen.begin(), seen.end(), [](const auto& w) { return !w.expired(); }));
    alive_max = std::max(alive_max, alive);
  }
  ASSERT_EQ(seen.size(), 25u);
  EXPECT_EQ(alive_max, 1u) << "only the current row's object is alive while streaming";

  const auto sql = log_->sql();
  if (postgresql()) {
    // DECLARE, FETCH 10 (full), FETCH 10 (full), FETCH 10 (5 rows: the last), CLOSE.
    ASSERT_EQ(sql.size(), 5u);
    EXPECT_EQ(sql[0].rfind("DECLARE ormc_cursor_1 NO SCROLL CURSOR FOR SELECT author.id", 0), 0u) << sql[0];
    EXPECT_EQ(log_->count("FETCH FORWARD 10 FROM ormc_cursor_1"), 3u);
    EXPECT_EQ(sql[4], "CLOSE ormc_cursor_1");
  } else {
    ASSERT_EQ(sql.size(), 1u) << "SQLite steps the one SELECT";
    EXPECT_EQ(sql[0].rfind("SELECT author.id", 0), 0u);
  }
}

TEST_F(StatementTest, YieldPerCursorsNestCloseEarlyAndReuseTheirNames) {
  seed_authors();
  ormc::Session session(*db_);
  {
    auto outer = session.scalars(ormc::select<Author>()).yield_per(2);
    auto it = outer.begin();
    ASSERT_EQ((*it)->name(), "Ada");
    // A second stream while the first is open, plus an ordinary query in between.
    auto inner = session.scalars(ormc::select<Author>().where(Author::c.active)).yield_per(2).all();
    EXPECT_EQ(names(inner), (Names{"Ada", "Cy", "Di"}));
    EXPECT_EQ(session.scalar(ormc::select(ormc::count()).select_from<Author>()), 5);
    ++it;
    EXPECT_EQ((*it)->name(), "Bob");
    ++it;
    EXPECT_EQ((*it)->name(), "Cy");
  }  // dropped before the end: the cursor is closed
  const auto first = session.scalars(ormc::select<Author>()).yield_per(3).first();
  EXPECT_EQ(first->name(), "Ada");
  if (postgresql()) {
    EXPECT_EQ(log_->count("DECLARE ormc_cursor_1 "), 2u) << "a closed cursor's name is used again";
    EXPECT_EQ(log_->count("DECLARE ormc_cursor_2 "), 1u);
    EXPECT_EQ(log_->count("CLOSE ormc_cursor_1"), 2u);
    EXPECT_EQ(log_->count("CLOSE ormc_cursor_2"), 1u);
  }
  session.commit();  // the transaction is healthy after all that
}

TEST_F(StatementTest, YieldPerMustComeBeforeReading) {
  seed_authors();
  ormc::Session session(*db_);
  auto result = session.scalars(ormc::select<Author>());
  EXPECT_THROW((void)result.yield_per(0), ormc::InvalidRequestError);
  (void)result.begin();
  EXPECT_THROW((void)result.yield_per(5), ormc::InvalidRequestError);
}

TEST_F(StatementTest, TheSameShapeRunsTheSameSqlText) {
  seed_authors();
  ormc::Session session(*db_);
  (void)session.scalars(ormc::select<Author>().where(Author::c.name == "Ada").limit(1)).all();
  (void)session.scalars(ormc::select<Author>().where(Author::c.name == "Bob").limit(3)).all();
  const auto sql = log_->sql();
  ASSERT_EQ(sql.size(), 2u);
  EXPECT_EQ(sql[0], sql[1]);
}

}  // namespace
