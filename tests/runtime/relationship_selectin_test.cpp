// selectin for many-to-one references and composite keys, and loader options on references, on SQLite and
// PostgreSQL: the IN queries (tuple IN for two-column keys) are asserted through the statement log.
#include <memory>
#include <string>
#include <vector>

#include "relationship_fixture.hpp"

namespace {

using ormc_test::contains;
using ormc_test::starts_with;
using reltest::Author;
using reltest::Book;
using reltest::Branch;
using reltest::Leaf;
using reltest::Message;
using reltest::Person;
using reltest::Zone;
using reltest::Site;

class SelectinReferenceTest : public ormc_test::RelationshipTest {
 protected:
  /// Branches b1, b2; leaves l1 (b1), l2 (b1), l3 (b2), l4 (none), committed; returns the branch ids.
  std::vector<std::int32_t> store_leaves() {
    ormc::Session s(*db_);
    auto b1 = Branch::create({.name = "b1"});
    auto b2 = Branch::create({.name = "b2"});
    s.add(b1);
    s.add(b2);
    s.flush();
    s.add(Leaf::create({.name = "l1", .branch_id = b1->id()}));
    s.add(Leaf::create({.name = "l2", .branch_id = b1->id()}));
    s.add(Leaf::create({.name = "l3", .branch_id = b2->id()}));
    s.add(Leaf::create({.name = "l4"}));
    const std::vector<std::int32_t> ids{b1->id(), b2->id()};  // before commit expires them
    s.commit();
    log_->clear();
    return ids;
  }
  std::vector<ormc_test::StatementLog::Entry> reads_of(const std::string& table) const {
    std::vector<ormc_test::StatementLog::Entry> out;
    for (const auto& e : log_->entries())
      if (starts_with(e.sql, "SELECT " + table + ".")) out.push_back(e);
    return out;
  }
  /// Authors a1 (books x, y) and a2 (book z), committed.
  void store_books() {
    ormc::Session s(*db_);
    auto a1 = Author::create({.name = "a1"});
    a1->books().add(Book::create({.title = "x"}));
    a1->books().add(Book::create({.title = "y"}));
    auto a2 = Author::create({.name = "a2"});
    a2->books().add(Book::create({.title = "z"}));
    s.add(a1);
    s.add(a2);
    s.commit();
    log_->clear();
  }
};

TEST_F(SelectinReferenceTest, QueryLoadsDistinctTargetsWithOneInQuery) {
  const auto branch_ids = store_leaves();
  ormc::Session session(*db_);
  auto leaves = session.scalars(ormc::select<Leaf>().order_by(Leaf::c.name)).all();
  ASSERT_EQ(leaves.size(), 4u);
  ASSERT_EQ(log_->size(), 2u) << "the leaves, then one IN query for their branches" << dump();
  const auto branches = reads_of("rel_branch");
  ASSERT_EQ(branches.size(), 1u) << dump();
  EXPECT_TRUE(contains(branches[0].sql, "WHERE rel_branch.id IN (")) << branches[0].sql;
  ASSERT_EQ(branches[0].params.size(), 2u) << "two distinct foreign keys; the NULL one is skipped";
  EXPECT_EQ(branches[0].params[0], ormc::Value(static_cast<std::int64_t>(branch_ids[0])));
  EXPECT_EQ(branches[0].params[1], ormc::Value(static_cast<std::int64_t>(branch_ids[1])));

  log_->clear();
  ASSERT_NE(leaves[0]->branch(), nullptr);
  EXPECT_EQ(leaves[0]->branch()->name(), "b1");
  EXPECT_EQ(leaves[1]->branch(), leaves[0]->branch()) << "one object per row";
  EXPECT_EQ(leaves[2]->branch()->name(), "b2");
  EXPECT_EQ(leaves[3]->branch(), nullptr);
  EXPECT_EQ(log_->size(), 0u) << "loaded by the query, held by the references" << dump();
}

TEST_F(SelectinReferenceTest, TargetsAlreadyInTheIdentityMapAreNotSelected) {
  const auto branch_ids = store_leaves();
  ormc::Session session(*db_);
  auto b1 = session.get<Branch>(branch_ids[0]);
  log_->clear();
  auto leaves = session.scalars(ormc::select<Leaf>().order_by(Leaf::c.name)).all();
  const auto branches = reads_of("rel_branch");
  ASSERT_EQ(branches.size(), 1u) << dump();
  ASSERT_EQ(branches[0].params.size(), 1u) << "b1 is in the identity map: only b2 is selected";
  EXPECT_EQ(branches[0].params[0], ormc::Value(static_cast<std::int64_t>(branch_ids[1])));
  log_->clear();
  EXPECT_EQ(leaves[0]->branch(), b1);
  EXPECT_EQ(leaves[2]->branch()->name(), "b2");
  EXPECT_EQ(log_->size(), 0u) << dump();

  // Every target in memory: no IN query at all.
  ormc::Session other(*db_);
  auto keep1 = other.get<Branch>(branch_ids[0]);
  auto keep2 = other.get<Branch>(branch_ids[1]);
  log_->clear();
  auto again = other.scalars(ormc::select<Leaf>()).all();
  EXPECT_EQ(again.size(), 4u);
  EXPECT_EQ(log_->size(), 1u) << "the leaves only" << dump();
}

TEST_F(SelectinReferenceTest, ChunksOfFiveHundredKeys) {
  {
    ormc::Session s(*db_);
    std::vector<std::shared_ptr<Branch>> branches;
    for (int i = 0; i < 501; ++i) branches.push_back(Branch::create({.name = "b" + std::to_string(i)}));
    s.add_all(branches);
    s.flush();
    for (const auto& b : branches) s.add(Leaf::create({.name = "l" + b->name().substr(1), .branch_id = b->id()}));
    s.commit();
  }
  ormc::Session session(*db_);
  log_->clear();
  auto leaves = session.scalars(ormc::select<Leaf>()).all();
  ASSERT_EQ(leaves.size(), 501u);
  const auto branches = reads_of("rel_branch");
  ASSERT_EQ(branches.size(), 2u) << "501 keys: two IN queries, not 501 SELECTs";
  EXPECT_EQ(branches[0].params.size(), 500u);
  EXPECT_EQ(branches[1].params.size(), 1u);
  log_->clear();
  for (const auto& leaf : leaves) EXPECT_EQ(leaf->branch()->name().substr(1), leaf->name().substr(1));
  EXPECT_EQ(log_->size(), 0u) << dump();
}

TEST_F(SelectinReferenceTest, OnlyNullForeignKeysRunNoInQuery) {
  {
    ormc::Session s(*db_);
    s.add(Leaf::create({.name = "alone"}));
    s.commit();
  }
  ormc::Session session(*db_);
  log_->clear();
  auto leaf = session.scalars(ormc::select<Leaf>()).one();
  EXPECT_EQ(log_->size(), 1u) << dump();
  EXPECT_EQ(leaf->branch(), nullptr);
  EXPECT_EQ(log_->size(), 1u) << dump();
}

TEST_F(SelectinReferenceTest, GetLoadsTheReferenceWithTheObject) {
  store_leaves();
  ormc::Session session(*db_);
  auto any = session.scalars(ormc::select<Leaf>().where(Leaf::c.name == "l3")).one();
  const std::int32_t id = any->id();
  session.expunge(any);
  any.reset();
  ormc::Session other(*db_);
  log_->clear();
  auto leaf = other.get<Leaf>(id);
  ASSERT_EQ(reads_of("rel_branch").size(), 1u) << dump();
  log_->clear();
  EXPECT_EQ(leaf->branch()->name(), "b2");
  EXPECT_EQ(log_->size(), 0u) << dump();
}

TEST_F(SelectinReferenceTest, SelectinloadOptionOnALazyReference) {
  store_books();
  ormc::Session session(*db_);
  auto books = session.scalars(ormc::select<Book>().order_by(Book::c.title).options(ormc::selectinload(&Book::author))).all();
  ASSERT_EQ(books.size(), 3u);
  const auto authors = reads_of("rel_author");
  ASSERT_EQ(authors.size(), 1u) << dump();
  EXPECT_TRUE(contains(authors[0].sql, "WHERE rel_author.id IN (")) << authors[0].sql;
  EXPECT_EQ(authors[0].params.size(), 2u);
  log_->clear();
  EXPECT_EQ(books[0]->author()->name(), "a1");
  EXPECT_EQ(books[2]->author()->name(), "a2");
  EXPECT_EQ(log_->size(), 0u) << dump();

  // For that query only.
  ormc::Session other(*db_);
  log_->clear();
  auto plain = other.scalars(ormc::select<Book>()).all();
  EXPECT_EQ(plain.size(), 3u);
  EXPECT_EQ(reads_of("rel_author").size(), 0u) << dump();
}

TEST_F(SelectinReferenceTest, SelectinloadPicksTheNamedReferenceAmongSeveralToOneTarget) {
  std::int32_t bob = 0;
  {
    ormc::Session s(*db_);
    auto ann = Person::create({.name = "ann"});
    auto b = Person::create({.name = "bob"});
    s.add(ann);
    s.add(b);
    s.flush();
    s.add(Message::create({.sender_id = ann->id(), .recipient_id = b->id()}));
    s.commit();
    bob = b->id();
  }
  ormc::Session session(*db_);
  log_->clear();
  auto message = session.scalars(ormc::select<Message>().options(ormc::selectinload(&Message::recipient))).one();
  const auto people = reads_of("rel_person");
  ASSERT_EQ(people.size(), 1u) << dump();
  ASSERT_EQ(people[0].params.size(), 1u);
  EXPECT_EQ(people[0].params[0], ormc::Value(static_cast<std::int64_t>(bob))) << "the recipient, not the sender";
  log_->clear();
  EXPECT_EQ(message->recipient()->name(), "bob");
  EXPECT_EQ(log_->size(), 0u) << dump();
  EXPECT_EQ(message->sender()->name(), "ann");
  EXPECT_EQ(log_->size(), 1u) << "the sender loads lazily" << dump();
}

TEST_F(SelectinReferenceTest, LazyloadOptionOnASelectinReference) {
  store_leaves();
  ormc::Session session(*db_);
  auto leaves = session.scalars(ormc::select<Leaf>().order_by(Leaf::c.name).options(ormc::lazyload(&Leaf::branch))).all();
  EXPECT_EQ(reads_of("rel_branch").size(), 0u) << dump();
  log_->clear();
  EXPECT_EQ(leaves[0]->branch()->name(), "b1");
  ASSERT_EQ(log_->size(), 1u) << dump();
  EXPECT_TRUE(contains(log_->entries()[0].sql, "WHERE rel_branch.id = ")) << "a lazy load, not an IN batch";
}

TEST_F(SelectinReferenceTest, RaiseloadOptionRefusesEvenATargetInTheIdentityMap) {
  store_books();
  ormc::Session session(*db_);
  auto a1 = session.scalars(ormc::select<Author>().where(Author::c.name == "a1")).one();
  auto book = session.scalars(ormc::select<Book>().where(Book::c.title == "x").options(ormc::raiseload(&Book::author))).one();
  log_->clear();
  try {
    (void)book->author();
    FAIL() << "raiseload: reading the reference must throw";
  } catch (const ormc::InvalidRequestError& e) {
    EXPECT_TRUE(contains(e.what(), "Book.author")) << e.what();
    EXPECT_TRUE(contains(e.what(), "lazy='raise'")) << e.what();
  }
  EXPECT_EQ(log_->size(), 0u) << dump();
  // What memory holds is readable: the reference set by the user.
  book->set_author(a1);
  EXPECT_EQ(book->author(), a1);
  // The same author as the foreign key already names: the flush writes nothing.
  session.commit();
  EXPECT_EQ(log_->count("UPDATE"), 0u) << "same author: no change" << dump();
}

TEST_F(SelectinReferenceTest, NoloadOptionReadsNullWithoutSql) {
  store_books();
  ormc::Session session(*db_);
  auto book = session.scalars(ormc::select<Book>().where(Book::c.title == "z").options(ormc::noload(&Book::author))).one();
  log_->clear();
  EXPECT_EQ(book->author(), nullptr);
  EXPECT_EQ(log_->size(), 0u) << dump();
  EXPECT_TRUE(book->author_id().has_value()) << "the foreign key itself is untouched";
  session.commit();
  EXPECT_EQ(log_->count("UPDATE"), 0u) << "noload changes nothing in the row" << dump();
}

class CompositeKeyTest : public SelectinReferenceTest {
 protected:
  /// Regions (n, 1) with sites a, b and (s, 2) with site c; and a site without a region.
  void store_regions() {
    ormc::Session s(*db_);
    auto north = Zone::create({.code = "n", .num = 1, .name = "north"});
    auto south = Zone::create({.code = "s", .num = 2, .name = "south"});
    north->sites().add(Site::create({.name = "b"}));
    north->sites().add(Site::create({.name = "a"}));
    south->sites().add(Site::create({.name = "c"}));
    s.add(north);
    s.add(south);
    s.add(Site::create({.name = "d"}));
    s.commit();
    log_->clear();
  }
  /// `(a, b) IN ((?, ?), ...)` on PostgreSQL; SQLite's row values take `IN (VALUES (?, ?), ...)`.
  static std::string tuple_in(const std::string& columns) {
    return columns + (ormc_test::backend() == "sqlite" ? " IN (VALUES (" : " IN ((");
  }
};

TEST_F(CompositeKeyTest, CollectionSelectinUsesATupleIn) {
  store_regions();
  ormc::Session session(*db_);
  auto regions = session.scalars(ormc::select<Zone>().order_by(Zone::c.name)).all();
  ASSERT_EQ(regions.size(), 2u);
  const auto sites = reads_of("rel_site");
  ASSERT_EQ(sites.size(), 1u) << dump();
  EXPECT_TRUE(contains(sites[0].sql, tuple_in("(rel_site.region_code, rel_site.region_num)"))) << sites[0].sql;
  EXPECT_EQ(sites[0].params.size(), 4u) << "two columns per region";
  log_->clear();
  ASSERT_EQ(regions[0]->sites().size(), 2u);
  EXPECT_EQ(regions[0]->sites()[0]->name(), "a") << "order_by = Site.name";
  EXPECT_EQ(regions[0]->sites()[1]->name(), "b");
  ASSERT_EQ(regions[1]->sites().size(), 1u);
  EXPECT_EQ(regions[1]->sites()[0]->name(), "c");
  EXPECT_EQ(log_->size(), 0u) << dump();
}

TEST_F(CompositeKeyTest, ReferenceSelectinUsesATupleIn) {
  store_regions();
  ormc::Session session(*db_);
  auto sites = session.scalars(ormc::select<Site>().order_by(Site::c.name)).all();
  ASSERT_EQ(sites.size(), 4u);
  const auto regions = reads_of("rel_zone");
  ASSERT_EQ(regions.size(), 1u) << dump();
  EXPECT_TRUE(contains(regions[0].sql, tuple_in("(rel_zone.code, rel_zone.num)"))) << regions[0].sql;
  EXPECT_EQ(regions[0].params.size(), 4u) << "two distinct keys; site d's NULL key is skipped";
  log_->clear();
  EXPECT_EQ(sites[0]->region()->name(), "north");
  EXPECT_EQ(sites[1]->region(), sites[0]->region());
  EXPECT_EQ(sites[2]->region()->name(), "south");
  EXPECT_EQ(sites[3]->region(), nullptr);
  EXPECT_EQ(log_->size(), 0u) << dump();
  // The regions' own selectin collections were not part of that query: the first access fills
  // both regions' sites with one tuple IN. Once a region's collection holds its sites, their
  // references hold it weakly (no cycle), so the test keeps the regions.
  auto north = sites[0]->region();
  auto south = sites[2]->region();
  EXPECT_EQ(north->sites().size(), 2u);
  ASSERT_EQ(reads_of("rel_site").size(), 1u) << dump();
  EXPECT_EQ(reads_of("rel_site")[0].params.size(), 4u) << dump();
  EXPECT_EQ(south->sites().size(), 1u);
  EXPECT_EQ(sites[2]->region(), south);
  EXPECT_EQ(log_->size(), 1u) << dump();
}

}  // namespace
