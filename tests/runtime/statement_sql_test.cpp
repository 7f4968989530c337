// Typed statements' SQL per dialect without a database: {statement, dialect, want_sql, want_params}.
#include <gtest/gtest.h>

#include <functional>
#include <optional>
#include <type_traits>
#include <string>
#include <vector>

#include "statement.orm.hpp"

namespace {

using ormc::Decimal;
using ormc::DialectKind;
using ormc::Value;
using stmttest::Author;
using stmttest::Book;
using stmttest::Tag;

// --- what must not compile: checked through the constraints the operators carry
template <class L, class R>
concept CanCompare = requires(const L& l, const R& r) { l == r; };
template <class L, class R>
concept CanLess = requires(const L& l, const R& r) { l < r; };
template <class L, class R>
concept CanAdd = requires(const L& l, const R& r) { l + r; };
template <class L, class R>
concept CanAnd = requires(const L& l, const R& r) { l && r; };
template <class C, class V>
concept CanAssign = requires(const C& c, const V& v) { c = v; };
template <class C>
concept CanLike = requires(const C& c) { c.like("x"); };

using NameCol = decltype(Author::c.name);
using EmailCol = decltype(Author::c.email);
using RatingCol = decltype(Author::c.rating);
using IdCol = decltype(Author::c.id);
using ActiveCol = decltype(Author::c.active);
using BornCol = decltype(Author::c.born);

static_assert(CanCompare<NameCol, const char*> && CanCompare<NameCol, std::string> && CanCompare<NameCol, std::string_view>);
static_assert(!CanCompare<NameCol, int>, "a string column is not comparable with an int");
static_assert(!CanLess<IdCol, std::string>, "an integer column is not comparable with a string");
static_assert(CanCompare<RatingCol, int> && CanCompare<RatingCol, double> && CanCompare<RatingCol, Decimal>);
static_assert(CanCompare<EmailCol, std::string>, "std::optional<T> columns compare with T");
static_assert(!CanCompare<EmailCol, std::optional<std::string>>, "a NULL value would make `= NULL`: use is_null()");
static_assert(CanCompare<EmailCol, std::nullopt_t> && !CanCompare<NameCol, std::nullopt_t>,
              "== std::nullopt only for nullable columns");
static_assert(!CanCompare<BornCol, ormc::Timestamp>, "a date is not a timestamp");
static_assert(!CanCompare<ActiveCol, int>, "a boolean is not a number");
static_assert(CanCompare<IdCol, decltype(Book::c.author_id)> && !CanCompare<IdCol, decltype(Book::c.title)>,
              "column-to-column comparisons follow the same rule");
static_assert(CanAdd<RatingCol, int> && !CanAdd<IdCol, std::string> && !CanAdd<RatingCol, std::string>);
static_assert(CanAnd<ActiveCol, ormc::Expr<bool>> && !CanAnd<IdCol, ormc::Expr<bool>>);
static_assert(CanAssign<NameCol, const char*> && !CanAssign<NameCol, int> && !CanAssign<NameCol, std::nullopt_t>);
static_assert(CanAssign<EmailCol, std::nullopt_t> && CanAssign<EmailCol, std::optional<std::string>>);
static_assert(!CanAssign<NameCol, std::optional<std::string>>, "NULL into a NOT NULL column");
static_assert(CanLike<NameCol> && !CanLike<IdCol>);
static_assert(CanAdd<NameCol, const char*> && CanAdd<std::string, NameCol> && CanAdd<NameCol, NameCol>,
              "+ concatenates text");
static_assert(!CanAdd<NameCol, int> && !CanAdd<NameCol, std::optional<std::string>> && !CanAdd<BornCol, BornCol>);
static_assert(std::is_same_v<decltype(Author::c.name + "x"), ormc::Expr<std::string>>);
static_assert(std::is_same_v<decltype(Author::c.email + "x"), ormc::Expr<std::optional<std::string>>>,
              "NULL || text is NULL");
template <class... X>
concept CanConcat = requires(const X&... x) { ormc::concat(x...); };
static_assert(CanConcat<NameCol, const char*> && !CanConcat<const char*, const char*> && !CanConcat<NameCol, IdCol>);

// --- SQL text and parameters per dialect
struct Row {
  const char* what;
  std::function<ormc::CompiledSql(DialectKind)> build;
  DialectKind dialect;
  std::string want_sql;
  std::vector<Value> want_params;
};

template <class S>
std::function<ormc::CompiledSql(DialectKind)> sql(S stmt) {
  return [stmt](DialectKind d) { return ormc::to_sql(stmt, d); };
}

const std::string kAuthorColumns =
    "author.id, author.name, author.email, author.rating, author.score, author.active, author.born";
const std::string kBookColumns = R"(book.id, book.author_id, book.title, book.pages, book."group")";

std::vector<Row> rows() {
  using ormc::select;
  const auto pg = DialectKind::PostgreSQL;
  const auto lite = DialectKind::SQLite;
  return {
      {"entity default order", sql(select<Author>()), pg, "SELECT " + kAuthorColumns + " FROM author ORDER BY author.name", {}},
      {"where, limit, offset bound", sql(select<Author>().where(Author::c.name == "Ada").limit(10).offset(20)), lite,
       "SELECT " + kAuthorColumns + " FROM author WHERE author.name = ?1 ORDER BY author.name LIMIT ?2 OFFSET ?3",
       {Value("Ada"), Value(std::int64_t{10}), Value(std::int64_t{20})}},
      {"offset alone, PostgreSQL", sql(select<Book>().offset(5)), pg, "SELECT " + kBookColumns + " FROM book OFFSET $1",
       {Value(5)}},
      {"offset alone needs LIMIT -1 on SQLite", sql(select<Book>().offset(5)), lite,
       "SELECT " + kBookColumns + " FROM book LIMIT -1 OFFSET ?1", {Value(5)}},
      {"explicit order replaces the default", sql(select<Author>().order_by(Author::c.rating.desc(), Author::c.id)), pg,
       "SELECT " + kAuthorColumns + " FROM author ORDER BY author.rating DESC, author.id", {}},
      {"asc spelled out", sql(select<Book>().order_by(Book::c.pages.asc())), pg,
       "SELECT " + kBookColumns + " FROM book ORDER BY book.pages ASC", {}},
      {"AND binds tighter than OR", sql(select<Book>().where((Book::c.pages > 5 && Book::c.pages < 9) || !Book::c.group.is_null())), pg,
       "SELECT " + kBookColumns + R"( FROM book WHERE book.pages > $1 AND book.pages < $2 OR NOT (book."group" IS NULL))",
       {Value(5), Value(9)}},
      {"OR inside AND is parenthesized", sql(select<Author>().where(Author::c.active && (Author::c.rating > 5 || Author::c.score < 1.5))), pg,
       "SELECT " + kAuthorColumns + " FROM author WHERE author.active AND (author.rating > $1 OR author.score < $2) ORDER BY author.name",
       {Value(5), Value(1.5)}},
      {"where() twice is AND", sql(select<Book>().where(Book::c.pages == 1 || Book::c.pages == 2).where(Book::c.author_id != 3)), lite,
       "SELECT " + kBookColumns + " FROM book WHERE (book.pages = ?1 OR book.pages = ?2) AND book.author_id != ?3",
       {Value(1), Value(2), Value(3)}},
      {"and_ / or_ / not_", sql(select<Book>().where(ormc::or_(Book::c.pages <= 1, ormc::and_(Book::c.pages >= 2, ormc::not_(Book::c.id == 4))))), pg,
       "SELECT " + kBookColumns + " FROM book WHERE book.pages <= $1 OR book.pages >= $2 AND NOT (book.id = $3)",
       {Value(1), Value(2), Value(4)}},
      {"like", sql(select<Author>().where(Author::c.name.like("A%")).order_by(Author::c.id)), lite,
       "SELECT " + kAuthorColumns + " FROM author WHERE author.name LIKE ?1 ORDER BY author.id", {Value("A%")}},
      {"in_ list", sql(select<Book>().where(Book::c.id.in_({1, 2, 3}))), pg,
       "SELECT " + kBookColumns + " FROM book WHERE book.id IN ($1, $2, $3)", {Value(1), Value(2), Value(3)}},
      {"in_ of an empty vector is false", sql(select<Book>().where(Book::c.id.in_(std::vector<int>{}))), pg,
       "SELECT " + kBookColumns + " FROM book WHERE 1 != 1", {}},
      {"not in_ of an empty vector is true", sql(select<Book>().where(!Book::c.id.in_(std::vector<int>{}))), lite,
       "SELECT " + kBookColumns + " FROM book WHERE NOT (1 != 1)", {}},
      {"between", sql(select<Author>().where(Author::c.rating.between(1, Decimal("2.50"))).order_by(Author::c.id)), pg,
       "SELECT " + kAuthorColumns + " FROM author WHERE author.rating BETWEEN $1 AND $2 ORDER BY author.id",
       {Value(1), Value(Decimal("2.50"))}},
      {"== nullopt / != nullopt", sql(select<Author>().where(Author::c.email == std::nullopt, Author::c.score != std::nullopt).order_by(Author::c.id)), pg,
       "SELECT " + kAuthorColumns + " FROM author WHERE author.email IS NULL AND author.score IS NOT NULL ORDER BY author.id", {}},
      {"arithmetic precedence", sql(select<Author>().where(Author::c.rating * 2 + 1 > Author::c.score, (Author::c.rating + 1) * 2 < 9, Author::c.rating - (Author::c.rating - 1) == 1).order_by(Author::c.id)), pg,
       "SELECT " + kAuthorColumns + " FROM author WHERE author.rating * $1 + $2 > author.score AND (author.rating + $3) * $4 < $5 AND author.rating - (author.rating - $6) = $7 ORDER BY author.id",
       {Value(2), Value(1), Value(1), Value(2), Value(9), Value(1), Value(1)}},
      {"column against column", sql(select<Book>().where(Book::c.pages > Book::c.id)), lite,
       "SELECT " + kBookColumns + " FROM book WHERE book.pages > book.id", {}},
      {"reserved word as a column", sql(select<Book>().where(Book::c.group == "x")), pg,
       "SELECT " + kBookColumns + R"( FROM book WHERE book."group" = $1)", {Value("x")}},
      {"count(*)", sql(select(ormc::count()).select_from<Author>()), pg, "SELECT count(*) FROM author", {}},
      {"count(col) infers FROM", sql(select(ormc::count(Author::c.email))), lite, "SELECT count(author.email) FROM author", {}},
      {"sum with where", sql(select(ormc::sum(Book::c.pages)).where(Book::c.author_id == 1)), pg,
       "SELECT sum(book.pages) FROM book WHERE book.author_id = $1", {Value(1)}},
      {"min", sql(select(ormc::min(Book::c.pages))), pg, "SELECT min(book.pages) FROM book", {}},
      {"max of text", sql(select(ormc::max(Author::c.name))), lite, "SELECT max(author.name) FROM author", {}},
      {"avg", sql(select(ormc::avg(Author::c.rating)).where(Author::c.active)), pg,
       "SELECT avg(author.rating) FROM author WHERE author.active", {}},
      {"column scalar select", sql(select(Author::c.name).where(Author::c.id > 2).order_by(Author::c.name.desc()).limit(3)), pg,
       "SELECT author.name FROM author WHERE author.id > $1 ORDER BY author.name DESC LIMIT $2", {Value(2), Value(std::int64_t{3})}},
      {"join one-to-many from the many side", sql(select<Book>().join<Author>().where(Author::c.name == "Ada")), pg,
       "SELECT " + kBookColumns + " FROM book JOIN author ON author.id = book.author_id WHERE author.name = $1", {Value("Ada")}},
      {"join one-to-many from the one side", sql(select<Author>().join<Book>().where(Book::c.pages > 100)), lite,
       "SELECT " + kAuthorColumns + " FROM author JOIN book ON author.id = book.author_id WHERE book.pages > ?1 ORDER BY author.name",
       {Value(100)}},
      {"join many-to-many forward", sql(select<Tag>().join<Book>().where(Book::c.title == "Dune")), pg,
       "SELECT tag.id, tag.label FROM tag JOIN book_tag ON tag.id = book_tag.tag_id JOIN book ON book_tag.book_id = book.id "
       "WHERE book.title = $1", {Value("Dune")}},
      {"join many-to-many backwards", sql(select<Book>().join<Tag>("books").where(Tag::c.label == "sf")), pg,
       "SELECT " + kBookColumns + " FROM book JOIN book_tag ON book_tag.book_id = book.id JOIN tag ON tag.id = book_tag.tag_id "
       "WHERE tag.label = $1", {Value("sf")}},
      {"insert rows (columns in the first row's order)",
       sql(ormc::insert<Book>()
               .values(Book::c.author_id = 1, Book::c.title = "T", Book::c.pages = 10)
               .values(Book::c.title = "U", Book::c.author_id = 2, Book::c.pages = 20)), pg,
       "INSERT INTO book (author_id, title, pages) VALUES ($1, $2, $3), ($4, $5, $6)",
       {Value(1), Value("T"), Value(10), Value(2), Value("U"), Value(20)}},
      {"insert rows from a vector", sql(ormc::insert<Tag>().values({{Tag::c.label = "a"}, {Tag::c.label = "b"}})), lite,
       "INSERT INTO tag (label) VALUES (?1), (?2)", {Value("a"), Value("b")}},
      {"update with an expression and NULL",
       sql(ormc::update<Author>().values(Author::c.rating = Author::c.rating + 1, Author::c.email = std::nullopt).where(Author::c.id == 7)), pg,
       "UPDATE author SET rating = author.rating + $1, email = $2 WHERE author.id = $3", {Value(1), Value(), Value(7)}},
      {"update without where", sql(ormc::update<Book>().values(Book::c.group = std::optional<std::string>("g"))), lite,
       R"(UPDATE book SET "group" = ?1)", {Value("g")}},
      {"delete", sql(ormc::delete_<Book>().where(Book::c.group.in_({"a", "b"}))), pg,
       R"(DELETE FROM book WHERE book."group" IN ($1, $2))", {Value("a"), Value("b")}},
      {"delete everything", sql(ormc::delete_<Tag>()), lite, "DELETE FROM tag", {}},
      {"order_by(nullptr) drops the entity's default order", sql(select<Author>().order_by(nullptr)), pg,
       "SELECT " + kAuthorColumns + " FROM author", {}},
      {"order_by(nullptr) drops earlier terms, later ones stay",
       sql(select<Author>().order_by(Author::c.id).order_by(nullptr).order_by(Author::c.rating.desc())), lite,
       "SELECT " + kAuthorColumns + " FROM author ORDER BY author.rating DESC", {}},
      {"order_by appends to earlier terms", sql(select<Book>().order_by(Book::c.pages).order_by(Book::c.id.desc())), pg,
       "SELECT " + kBookColumns + " FROM book ORDER BY book.pages, book.id DESC", {}},
      {"+ on text is ||", sql(select<Author>().where(Author::c.name + "x" == "Adax").order_by(Author::c.id)), pg,
       "SELECT " + kAuthorColumns + " FROM author WHERE author.name || $1 = $2 ORDER BY author.id",
       {Value("x"), Value("Adax")}},
      {"|| chains without parentheses, binds tighter than LIKE",
       sql(select<Author>().where((std::string("<") + Author::c.name + ">").like("<A%")).order_by(Author::c.id)), lite,
       "SELECT " + kAuthorColumns + " FROM author WHERE ?1 || author.name || ?2 LIKE ?3 ORDER BY author.id",
       {Value("<"), Value(">"), Value("<A%")}},
      {"concat()", sql(select(ormc::concat(Author::c.name, " <", Author::c.email, ">"))), pg,
       "SELECT author.name || $1 || author.email || $2 FROM author", {Value(" <"), Value(">")}},
      {"concat in SET", sql(ormc::update<Book>().values(Book::c.title = Book::c.title + " (2nd ed.)")), lite,
       "UPDATE book SET title = book.title || ?1", {Value(" (2nd ed.)")}},
      {"insert ... returning a column", sql(ormc::insert<Tag>().values(Tag::c.label = "a").values(Tag::c.label = "b").returning(Tag::c.id)), pg,
       "INSERT INTO tag (label) VALUES ($1), ($2) RETURNING tag.id", {Value("a"), Value("b")}},
      {"insert ... returning the entity", sql(ormc::insert<Tag>().values(Tag::c.label = "a").returning()), pg,
       "INSERT INTO tag (label) VALUES ($1) RETURNING tag.id, tag.label", {Value("a")}},
      {"insert ... returning an expression", sql(ormc::insert<Tag>().values(Tag::c.label = "a").returning(Tag::c.label + "!")), lite,
       "INSERT INTO tag (label) VALUES (?1) RETURNING tag.label || ?2", {Value("a"), Value("!")}},
  };
}

TEST(StatementSql, TableDriven) {
  for (const Row& row : rows()) {
    const ormc::CompiledSql got = row.build(row.dialect);
    EXPECT_EQ(got.sql, row.want_sql) << row.what;
    EXPECT_EQ(got.params, row.want_params) << row.what;
  }
}

TEST(StatementSql, TypedRowsGroupByTheColumnsTheySet) {
  // A collection-like fixed author_id; rows that leave the key to the database share one group.
  ormc::detail::InsertRows rows(Book::ormc_entity_info(), {{std::uint16_t{1}, Value(7)}});
  Book::ormc_insert_row({.author_id = 99, .title = "a", .pages = 1}, rows);
  Book::ormc_insert_row({.title = "b", .pages = 2, .group = "g"}, rows);
  Book::ormc_insert_row({.id = 5, .title = "c", .pages = 3}, rows);
  Book::ormc_insert_row({.title = "d", .pages = 4}, rows);
  ASSERT_EQ(rows.groups().size(), 3u);
  EXPECT_EQ(rows.rows(), 4u);
  EXPECT_EQ(rows.groups()[0].columns, (std::vector<std::uint16_t>{1, 2, 3, 4})) << "fixed first; no id";
  EXPECT_EQ(rows.groups()[0].rows, 2u);
  EXPECT_EQ(rows.groups()[1].columns, (std::vector<std::uint16_t>{1, 0, 2, 3, 4}));
  EXPECT_EQ(rows.groups()[2].first_value, 13u);
  const std::vector<Value> want{Value(7), Value("a"), Value(1), Value(),  Value(7), Value("b"), Value(2),
                                Value("g"), Value(7), Value(5), Value("c"), Value(3), Value(),  Value(7),
                                Value("d"), Value(4), Value()};
  EXPECT_EQ(std::vector<Value>(rows.values().begin(), rows.values().end()), want) << "99 is replaced by the fixed 7";
}

TEST(StatementSql, TypedRowsAndValuesRowsDontMix) {
  EXPECT_THROW((void)ormc::detail::insert_rows_for(ormc::insert<Tag>().values(Tag::c.label = "a").data()),
               ormc::InvalidRequestError);
  EXPECT_EQ(ormc::detail::insert_rows_for(ormc::insert<Tag>().data()).rows(), 0u);
}

TEST(StatementSql, SameShapeSameText) {
  // Different values, same text: the connection's prepared-statement cache (keyed by text) hits.
  const auto a = ormc::to_sql(ormc::select<Author>().where(Author::c.name == "a").limit(1), DialectKind::PostgreSQL);
  const auto b = ormc::to_sql(ormc::select<Author>().where(Author::c.name == "b").limit(50), DialectKind::PostgreSQL);
  EXPECT_EQ(a.sql, b.sql);
  EXPECT_NE(a.params, b.params);
}

TEST(StatementSql, ValuesAreNeverSplicedIntoText) {
  const std::string evil = "x'); DROP TABLE author; --";
  const auto got = ormc::to_sql(ormc::select<Author>().where(Author::c.name == evil, Author::c.email.like(evil)),
                                DialectKind::SQLite);
  EXPECT_EQ(got.sql.find("DROP"), std::string::npos) << got.sql;
  EXPECT_EQ(got.params, (std::vector<Value>{Value(evil), Value(evil)}));
}

TEST(StatementSql, BuildersAreImmutable) {
  const auto base = ormc::select<Book>().where(Book::c.pages > 1);
  const auto narrower = base.where(Book::c.pages < 9).limit(3);
  EXPECT_EQ(ormc::to_sql(base, DialectKind::SQLite).sql, "SELECT " + kBookColumns + " FROM book WHERE book.pages > ?1");
  EXPECT_EQ(ormc::to_sql(narrower, DialectKind::SQLite).params.size(), 3u);
}

TEST(StatementSql, StatementsThatCantBeExpressedAreRefused) {
  const auto pg = DialectKind::PostgreSQL;
  // No relationship connects author and tag.
  EXPECT_THROW((void)ormc::to_sql(ormc::select<Author>().join<Tag>(), pg), ormc::InvalidRequestError);
  // A relationship name that does not exist.
  EXPECT_THROW((void)ormc::to_sql(ormc::select<Book>().join<Author>("nope"), pg), ormc::InvalidRequestError);
  // Self-join needs aliases.
  EXPECT_THROW((void)ormc::to_sql(ormc::select<Book>().join<Book>(), pg), ormc::InvalidRequestError);
  // count(*) of which table?
  EXPECT_THROW((void)ormc::to_sql(ormc::select(ormc::count()), pg), ormc::InvalidRequestError);
  // UPDATE / DELETE criteria on another table (no UPDATE ... FROM here).
  EXPECT_THROW((void)ormc::to_sql(ormc::update<Book>().values(Book::c.pages = 1).where(Author::c.id == 1), pg),
               ormc::InvalidRequestError);
  EXPECT_THROW((void)ormc::to_sql(ormc::delete_<Book>().where(Author::c.id == 1), pg), ormc::InvalidRequestError);
  EXPECT_THROW((void)ormc::to_sql(ormc::update<Book>(), pg), ormc::InvalidRequestError);
  // Insert rows must agree on their columns.
  EXPECT_THROW((void)ormc::to_sql(ormc::insert<Tag>(), pg), ormc::InvalidRequestError);
  EXPECT_THROW((void)ormc::to_sql(ormc::insert<Book>().values(Book::c.title = "a").values(Book::c.pages = 1), pg),
               ormc::InvalidRequestError);
  EXPECT_THROW((void)ormc::to_sql(ormc::insert<Book>().values(Book::c.title = "a").values(Book::c.title = "b", Book::c.pages = 1), pg),
               ormc::InvalidRequestError);
  EXPECT_THROW((void)ormc::to_sql(ormc::insert<Book>().values(Book::c.title = "a", Book::c.title = "b"), pg),
               ormc::InvalidRequestError);
  // RETURNING another table's column.
  EXPECT_THROW((void)ormc::to_sql(ormc::insert<Book>().values(Book::c.title = "a").returning(Author::c.id), pg),
               ormc::InvalidRequestError);
}

}  // namespace
