// Collection classes on SQLite and PostgreSQL: `collection = set` (SetCollection) and
// `collection = map(Target.attr)` (MapCollection) — loading, no duplicates, keyed access, re-keying
// when a key attribute changes, "later wins" replacement, back_populates moves, asserted statement by statement.
#include <algorithm>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "relationship_fixture.hpp"

namespace {

using ormc_test::contains;
using ormc_test::starts_with;
using reltest::Article;
using reltest::Basket;
using reltest::Fruit;
using reltest::Glossary;
using reltest::Recipe;
using reltest::Step;
using reltest::Term;
using reltest::Topic;

using SetMapTest = ormc_test::RelationshipTest;

// The generated accessors have the collection classes the schema asks for.
static_assert(std::is_same_v<std::remove_reference_t<decltype(std::declval<Basket&>().fruits())>, ormc::SetCollection<Fruit>>);
static_assert(std::is_same_v<std::remove_reference_t<decltype(std::declval<Article&>().topics())>, ormc::SetCollection<Topic>>);
static_assert(std::is_same_v<std::remove_reference_t<decltype(std::declval<Glossary&>().terms())>,
                             ormc::MapCollection<std::string, Term>>);

std::int32_t stored_basket(ormc::Database& db, const std::vector<std::string>& fruits) {
  ormc::Session s(db);
  auto basket = Basket::create({.name = "basket"});
  for (const auto& f : fruits) basket->fruits().add(Fruit::create({.name = f}));
  s.add(basket);
  s.commit();
  return basket->id();
}

std::vector<std::string> fruit_names(ormc::SetCollection<Fruit>& fruits) {
  std::vector<std::string> out;
  for (const auto& f : fruits) out.push_back(f->name());
  return out;
}

/// A glossary with terms `words` (meaning "<word> meaning"), committed; returns its id.
std::int32_t stored_glossary(ormc::Database& db, const std::string& name, const std::vector<std::string>& words) {
  ormc::Session s(db);
  auto g = Glossary::create({.name = name});
  for (const auto& w : words) g->terms().add(Term::create({.word = w, .meaning = w + " meaning"}));
  s.add(g);
  s.commit();
  return g->id();
}

bool has_param(const ormc_test::StatementLog::Entry& e, const ormc::Value& v) {
  return std::find(e.params.begin(), e.params.end(), v) != e.params.end();
}

// --- collection = set

TEST_F(SetMapTest, SetLoadsWithOneSelectAndIteratesInLoadOrder) {
  const std::int32_t bid = stored_basket(*db_, {"pear", "fig", "apple"});
  log_->clear();
  ormc::Session session(*db_);
  auto basket = session.get<Basket>(bid);
  EXPECT_EQ(fruit_names(basket->fruits()), (std::vector<std::string>{"apple", "fig", "pear"})) << "order_by = Fruit.name";
  EXPECT_EQ(basket->fruits().size(), 3u);
  EXPECT_FALSE(basket->fruits().empty());
  const auto sql = log_->sql();
  ASSERT_EQ(sql.size(), 2u) << "get, then one SELECT of the set" << dump();
  EXPECT_TRUE(starts_with(sql[1], "SELECT rel_fruit.")) << sql[1];
  EXPECT_TRUE(contains(sql[1], "WHERE rel_fruit.basket_id = ")) << sql[1];
  EXPECT_TRUE(contains(sql[1], "ORDER BY rel_fruit.name")) << sql[1];
}

TEST_F(SetMapTest, SetAddOfAMemberIsANoOpWithoutSql) {
  const std::int32_t bid = stored_basket(*db_, {"apple"});
  ormc::Session session(*db_);
  auto basket = session.get<Basket>(bid);
  auto apple = basket->fruits().to_vector().at(0);
  log_->clear();
  basket->fruits().add(apple);
  basket->fruits().add_all({apple, apple});
  EXPECT_EQ(basket->fruits().size(), 1u);
  session.commit();
  EXPECT_EQ(log_->size(), 0u) << "nothing changed" << dump();

  auto kiwi = Fruit::create({.name = "kiwi"});
  basket->fruits().add(kiwi);
  basket->fruits().add(kiwi);
  EXPECT_EQ(basket->fruits().size(), 2u);
  EXPECT_TRUE(basket->fruits().contains(kiwi));
  EXPECT_EQ(kiwi->basket(), basket) << "back_populates set in memory";
  log_->clear();
  session.commit();
  const auto entries = log_->entries();
  ASSERT_EQ(entries.size(), 1u) << "one INSERT for a child added twice" << dump();
  EXPECT_TRUE(starts_with(entries[0].sql, "INSERT INTO rel_fruit ")) << entries[0].sql;
  EXPECT_TRUE(has_param(entries[0], ormc::Value(bid)));
}

TEST_F(SetMapTest, SetRemoveDeletesTheOrphanAndRefusesANonMember) {
  const std::int32_t bid = stored_basket(*db_, {"apple", "fig"});
  const std::int32_t other = stored_basket(*db_, {"lime"});
  ormc::Session session(*db_);
  auto basket = session.get<Basket>(bid);
  auto lime = session.get<Basket>(other)->fruits().to_vector().at(0);
  auto apple = basket->fruits().to_vector().at(0);
  log_->clear();
  try {
    basket->fruits().remove(lime);
    ADD_FAILURE() << "removing a non-member must throw";
  } catch (const ormc::InvalidRequestError& e) {
    EXPECT_TRUE(contains(e.what(), "Basket.fruits")) << e.what();
  }
  EXPECT_FALSE(basket->fruits().discard(lime)) << "discard ignores a non-member";
  EXPECT_TRUE(basket->fruits().discard(apple));
  EXPECT_FALSE(basket->fruits().contains(apple));
  EXPECT_EQ(apple->basket(), nullptr);
  EXPECT_EQ(log_->size(), 0u) << "removal is written at flush" << dump();
  session.commit();
  const auto sql = log_->sql();
  ASSERT_EQ(sql.size(), 1u) << dump();
  EXPECT_TRUE(starts_with(sql[0], "DELETE FROM rel_fruit WHERE ")) << "delete-orphan: " << sql[0];
  ormc::Session fresh(*db_);
  EXPECT_EQ(fresh.scalars(ormc::select<Fruit>()).all().size(), 2u) << "fig and lime stay";
}

TEST_F(SetMapTest, SetBackPopulatesMovesAChildBetweenLoadedSetsWithoutSql) {
  const std::int32_t first = stored_basket(*db_, {"apple", "fig"});
  const std::int32_t second = stored_basket(*db_, {"lime"});
  ormc::Session session(*db_);
  auto a = session.get<Basket>(first);
  auto b = session.get<Basket>(second);
  auto apple = a->fruits().to_vector().at(0);
  EXPECT_EQ(b->fruits().size(), 1u);
  log_->clear();
  apple->set_basket(b);
  EXPECT_FALSE(a->fruits().contains(apple));
  EXPECT_TRUE(b->fruits().contains(apple));
  EXPECT_EQ(fruit_names(b->fruits()), (std::vector<std::string>{"lime", "apple"})) << "added after the loaded members";
  EXPECT_EQ(log_->size(), 0u) << dump();
  session.commit();
  const auto entries = log_->entries();
  ASSERT_EQ(entries.size(), 1u) << "moved, not orphaned" << dump();
  EXPECT_TRUE(starts_with(entries[0].sql, "UPDATE rel_fruit SET basket_id = ")) << entries[0].sql;
  EXPECT_TRUE(has_param(entries[0], ormc::Value(second)));
}

TEST_F(SetMapTest, SetDeleteCascadeLoadsAndDeletesMembers) {
  const std::int32_t bid = stored_basket(*db_, {"apple", "fig"});
  ormc::Session session(*db_);
  auto basket = session.get<Basket>(bid);
  log_->clear();
  session.remove(basket);
  session.commit();
  const auto sql = log_->sql();
  ASSERT_EQ(sql.size(), 3u) << dump();
  EXPECT_TRUE(starts_with(sql[0], "SELECT rel_fruit.")) << "the set is loaded for the delete cascade: " << sql[0];
  EXPECT_TRUE(starts_with(sql[1], "DELETE FROM rel_fruit ")) << sql[1];
  EXPECT_TRUE(starts_with(sql[2], "DELETE FROM rel_basket ")) << sql[2];
}

TEST_F(SetMapTest, ManyToManySetWritesOneAssociationRowPerPair) {
  ormc::Session session(*db_, {.expire_on_commit = false});
  auto article = Article::create({.title = "sets"});
  auto topic = Topic::create({.label = "orm"});
  article->topics().add(topic);
  article->topics().add(topic);
  topic->articles().add(article);  // the other side already holds it (back_populates)
  EXPECT_EQ(article->topics().size(), 1u);
  EXPECT_EQ(topic->articles().size(), 1u);
  EXPECT_TRUE(topic->articles().contains(article));
  session.add(article);
  log_->clear();
  session.commit();
  const auto entries = log_->entries();
  ASSERT_EQ(entries.size(), 3u) << dump();
  EXPECT_TRUE(starts_with(entries[0].sql, "INSERT INTO rel_article ")) << entries[0].sql;
  EXPECT_TRUE(starts_with(entries[1].sql, "INSERT INTO rel_topic ")) << entries[1].sql;
  EXPECT_TRUE(starts_with(entries[2].sql, "INSERT INTO rel_article_topic ")) << entries[2].sql;
  EXPECT_EQ(entries[2].params.size(), 2u) << "one association row";

  // Removing from one side deletes the row and keeps the other side in step.
  // (expire_on_commit = false: both sides stay loaded, so nothing below loads or autoflushes.)
  log_->clear();
  topic->articles().remove(article);
  EXPECT_FALSE(article->topics().contains(topic));
  EXPECT_TRUE(article->topics().empty());
  EXPECT_EQ(log_->size(), 0u) << dump();
  session.commit();
  const auto sql = log_->sql();
  ASSERT_EQ(sql.size(), 1u) << dump();
  EXPECT_TRUE(starts_with(sql[0], "DELETE FROM rel_article_topic ")) << sql[0];
}

TEST_F(SetMapTest, ManyToManySetLoadsThroughTheAssociationTable) {
  std::int32_t aid = 0;
  {
    ormc::Session s(*db_);
    auto article = Article::create({.title = "a"});
    article->topics().add_all({Topic::create({.label = "z"}), Topic::create({.label = "m"})});
    s.add(article);
    s.commit();
    aid = article->id();
  }
  ormc::Session session(*db_);
  auto article = session.get<Article>(aid);
  log_->clear();
  std::vector<std::string> labels;
  for (const auto& t : article->topics()) labels.push_back(t->label());
  EXPECT_EQ(labels, (std::vector<std::string>{"m", "z"}));
  const auto sql = log_->sql();
  ASSERT_EQ(sql.size(), 1u) << dump();
  EXPECT_TRUE(contains(sql[0], "rel_article_topic")) << sql[0];
}

// --- collection = map(Term.word)

TEST_F(SetMapTest, MapIsKeyedByTheAttributeAndIteratesPairsInLoadOrder) {
  const std::int32_t gid = stored_glossary(*db_, "g", {"beta", "alpha", "gamma"});
  ormc::Session session(*db_);
  auto g = session.get<Glossary>(gid);
  log_->clear();
  auto& terms = g->terms();
  EXPECT_EQ(terms.size(), 3u);
  EXPECT_EQ(terms.at("alpha")->meaning(), "alpha meaning");
  EXPECT_EQ(terms.find("beta")->word(), "beta");
  EXPECT_EQ(terms.find("delta"), nullptr);
  EXPECT_TRUE(terms.contains("gamma"));
  EXPECT_FALSE(terms.contains("delta"));
  EXPECT_EQ(terms.keys(), (std::vector<std::string>{"alpha", "beta", "gamma"})) << "order_by = Term.word";
  std::vector<std::string> seen;
  for (const auto& [word, term] : terms) {
    EXPECT_EQ(word, term->word());
    seen.push_back(word);
  }
  EXPECT_EQ(seen, terms.keys());
  const auto sql = log_->sql();
  ASSERT_EQ(sql.size(), 1u) << "one SELECT, however often the map is used" << dump();
  EXPECT_TRUE(starts_with(sql[0], "SELECT rel_term.")) << sql[0];
}

TEST_F(SetMapTest, MapAtOfAMissingKeyThrowsKeyNotFoundNamingTheRelationship) {
  const std::int32_t gid = stored_glossary(*db_, "g", {"alpha"});
  ormc::Session session(*db_);
  auto g = session.get<Glossary>(gid);
  try {
    (void)g->terms().at("zeta");
    ADD_FAILURE() << "at() of a missing key must throw";
  } catch (const ormc::KeyNotFound& e) {
    EXPECT_TRUE(contains(e.what(), "Glossary.terms")) << e.what();
    EXPECT_TRUE(contains(e.what(), "Term")) << e.what();
    EXPECT_TRUE(contains(e.what(), "zeta")) << e.what();
  }
  EXPECT_FALSE(g->terms().erase("zeta"));
  EXPECT_THROW(g->terms().remove(Term::create({.word = "alpha"})), ormc::InvalidRequestError)
      << "a non-member is refused even when its key is in the map";
  EXPECT_EQ(g->terms().size(), 1u);
}

// "The later wins", as SQLAlchemy's d[key] = obj: the replaced term leaves the map (its key
// becomes NULL at flush: no delete-orphan), before the replacing row is INSERTed.
TEST_F(SetMapTest, MapAddOfAnExistingKeyReplacesTheMember) {
  const std::int32_t gid = stored_glossary(*db_, "g", {"alpha", "beta"});
  ormc::Session session(*db_);
  auto g = session.get<Glossary>(gid);
  auto old_alpha = g->terms().at("alpha");
  log_->clear();
  auto new_alpha = Term::create({.word = "alpha", .meaning = "first letter"});
  g->terms().add(new_alpha);
  EXPECT_EQ(g->terms().at("alpha"), new_alpha);
  EXPECT_EQ(g->terms().size(), 2u);
  EXPECT_EQ(old_alpha->glossary(), nullptr) << "back_populates cleared";
  EXPECT_EQ(new_alpha->glossary(), g);
  session.commit();
  const auto entries = log_->entries();
  ASSERT_EQ(entries.size(), 2u) << dump();
  EXPECT_TRUE(starts_with(entries[0].sql, "UPDATE rel_term SET glossary_id = ")) << entries[0].sql;
  EXPECT_TRUE(entries[0].params[0].is_null());
  EXPECT_TRUE(starts_with(entries[1].sql, "INSERT INTO rel_term ")) << entries[1].sql;
  ormc::Session fresh(*db_);
  EXPECT_EQ(fresh.get<Glossary>(gid)->terms().at("alpha")->meaning(), "first letter");
}

// Beyond SQLAlchemy (which keeps a member under the key it had when added): the map follows a
// member's key attribute.
TEST_F(SetMapTest, MapFollowsAChangedKeyAttribute) {
  const std::int32_t gid = stored_glossary(*db_, "g", {"alpha", "beta"});
  ormc::Session session(*db_);
  auto g = session.get<Glossary>(gid);
  auto alpha = g->terms().at("alpha");
  log_->clear();
  alpha->set_word("delta");
  EXPECT_FALSE(g->terms().contains("alpha"));
  EXPECT_EQ(g->terms().at("delta"), alpha);
  EXPECT_EQ(g->terms().size(), 2u);
  EXPECT_EQ(log_->size(), 0u) << dump();
  session.commit();
  const auto sql = log_->sql();
  ASSERT_EQ(sql.size(), 1u) << dump();
  EXPECT_TRUE(starts_with(sql[0], "UPDATE rel_term SET word = ")) << sql[0];
  ormc::Session fresh(*db_);
  EXPECT_EQ(fresh.get<Glossary>(gid)->terms().keys(), (std::vector<std::string>{"beta", "delta"}));
}

// A member re-keyed onto another member's key is the later assignment: it wins, the other leaves
// (NULL key first, so UNIQUE (glossary_id, word) holds at every statement).
TEST_F(SetMapTest, MapRekeyOntoAnExistingKeyReplacesTheUnchangedMember) {
  const std::int32_t gid = stored_glossary(*db_, "g", {"alpha", "beta"});
  ormc::Session session(*db_);
  auto g = session.get<Glossary>(gid);
  auto alpha = g->terms().at("alpha");
  auto beta = g->terms().at("beta");
  log_->clear();
  alpha->set_word("beta");
  EXPECT_EQ(g->terms().at("beta"), alpha);
  EXPECT_EQ(g->terms().size(), 1u);
  EXPECT_EQ(beta->glossary(), nullptr);
  session.commit();
  const auto entries = log_->entries();
  ASSERT_EQ(entries.size(), 2u) << dump();
  EXPECT_TRUE(starts_with(entries[0].sql, "UPDATE rel_term SET glossary_id = ")) << entries[0].sql;
  EXPECT_TRUE(has_param(entries[0], ormc::Value(beta->id())));
  EXPECT_TRUE(starts_with(entries[1].sql, "UPDATE rel_term SET word = ")) << entries[1].sql;
}

// Without a use of the map in between, the flush settles the clash the same way (the map is found
// through the member's back_populates reference), instead of violating UNIQUE (glossary_id, word).
TEST_F(SetMapTest, MapRekeyClashIsSettledAtFlushWithoutAnAccess) {
  const std::int32_t gid = stored_glossary(*db_, "g", {"alpha", "beta"});
  ormc::Session session(*db_);
  auto g = session.get<Glossary>(gid);
  auto alpha = g->terms().at("alpha");
  auto beta = g->terms().at("beta");
  log_->clear();
  alpha->set_word("beta");
  session.commit();
  const auto entries = log_->entries();
  ASSERT_EQ(entries.size(), 2u) << dump();
  EXPECT_TRUE(starts_with(entries[0].sql, "UPDATE rel_term SET glossary_id = ")) << entries[0].sql;
  EXPECT_TRUE(has_param(entries[0], ormc::Value(beta->id())));
  EXPECT_TRUE(starts_with(entries[1].sql, "UPDATE rel_term SET word = ")) << entries[1].sql;
  EXPECT_EQ(beta->glossary(), nullptr);
  ormc::Session fresh(*db_);
  EXPECT_EQ(fresh.get<Glossary>(gid)->terms().at("beta")->id(), alpha->id());
}

TEST_F(SetMapTest, MapReparentingThroughTheBackrefMovesTheMember) {
  const std::int32_t first = stored_glossary(*db_, "first", {"alpha", "beta"});
  const std::int32_t second = stored_glossary(*db_, "second", {"gamma"});
  ormc::Session session(*db_);
  auto g1 = session.get<Glossary>(first);
  auto g2 = session.get<Glossary>(second);
  auto beta = g1->terms().at("beta");
  EXPECT_EQ(g2->terms().size(), 1u);
  log_->clear();
  beta->set_glossary(g2);
  EXPECT_FALSE(g1->terms().contains("beta"));
  EXPECT_EQ(g2->terms().at("beta"), beta);
  EXPECT_EQ(g2->terms().keys(), (std::vector<std::string>{"gamma", "beta"}));
  EXPECT_EQ(log_->size(), 0u) << dump();
  session.commit();
  const auto entries = log_->entries();
  ASSERT_EQ(entries.size(), 1u) << dump();
  EXPECT_TRUE(starts_with(entries[0].sql, "UPDATE rel_term SET glossary_id = ")) << entries[0].sql;
  EXPECT_TRUE(has_param(entries[0], ormc::Value(second)));
}

// Moving a member into a map that holds its key: the holder is replaced right away (not at the
// map's next use), so the flush never writes two rows with one key.
TEST_F(SetMapTest, MapReparentingOntoAnExistingKeyReplacesTheHolder) {
  const std::int32_t first = stored_glossary(*db_, "first", {"alpha"});
  const std::int32_t second = stored_glossary(*db_, "second", {"alpha"});
  ormc::Session session(*db_);
  auto g1 = session.get<Glossary>(first);
  auto g2 = session.get<Glossary>(second);
  auto mine = g1->terms().at("alpha");
  auto theirs = g2->terms().at("alpha");
  log_->clear();
  theirs->set_glossary(g1);
  EXPECT_EQ(mine->glossary(), nullptr);
  EXPECT_TRUE(g2->terms().empty());
  session.commit();
  const auto entries = log_->entries();
  ASSERT_EQ(entries.size(), 2u) << dump();
  EXPECT_TRUE(starts_with(entries[0].sql, "UPDATE rel_term SET glossary_id = ")) << entries[0].sql;
  EXPECT_TRUE(entries[0].params[0].is_null()) << "the replaced holder first";
  EXPECT_TRUE(starts_with(entries[1].sql, "UPDATE rel_term SET glossary_id = ")) << entries[1].sql;
  EXPECT_TRUE(has_param(entries[1], ormc::Value(first)));
  ormc::Session fresh(*db_);
  EXPECT_EQ(fresh.get<Glossary>(first)->terms().at("alpha")->id(), theirs->id());
}

TEST_F(SetMapTest, MapWithDeleteOrphanDeletesReplacedAndErasedMembers) {
  std::int32_t rid = 0;
  {
    ormc::Session s(*db_);
    auto r = Recipe::create({.name = "bread"});
    r->steps().add(Step::create({.label = "mix", .text = "mix it"}));
    r->steps().add(Step::create({.label = "bake", .text = "bake it"}));
    s.add(r);
    s.commit();
    rid = r->id();
  }
  ormc::Session session(*db_);
  auto recipe = session.get<Recipe>(rid);
  EXPECT_EQ(recipe->steps().size(), 2u);
  log_->clear();
  recipe->steps().add(Step::create({.label = "mix", .text = "knead it"}));
  EXPECT_TRUE(recipe->steps().erase("bake"));
  EXPECT_EQ(recipe->steps().keys(), (std::vector<std::string>{"mix"}));
  session.commit();
  const auto sql = log_->sql();
  ASSERT_EQ(sql.size(), 3u) << dump();
  EXPECT_TRUE(starts_with(sql[0], "INSERT INTO rel_step ")) << sql[0];
  EXPECT_TRUE(starts_with(sql[1], "DELETE FROM rel_step WHERE ")) << sql[1];
  EXPECT_TRUE(starts_with(sql[2], "DELETE FROM rel_step WHERE ")) << sql[2];
  ormc::Session fresh(*db_);
  auto steps = fresh.scalars(ormc::select<Step>()).all();
  ASSERT_EQ(steps.size(), 1u);
  EXPECT_EQ(steps[0]->text(), "knead it");
}

TEST_F(SetMapTest, MapOfATransientParentIsWrittenWithIt) {
  ormc::Session session(*db_);
  auto g = Glossary::create({.name = "new"});
  g->terms().add(Term::create({.word = "one", .meaning = "1"}));
  g->terms().add(Term::create({.word = "two", .meaning = "2"}));
  g->terms().add(Term::create({.word = "one", .meaning = "uno"}));  // replaces the first: never written
  EXPECT_EQ(g->terms().size(), 2u);
  EXPECT_EQ(g->terms().at("one")->meaning(), "uno");
  session.add(g);
  log_->clear();
  session.commit();
  const auto entries = log_->entries();
  ASSERT_EQ(entries.size(), 2u) << dump();
  EXPECT_TRUE(starts_with(entries[0].sql, "INSERT INTO rel_glossary ")) << entries[0].sql;
  EXPECT_TRUE(starts_with(entries[1].sql, "INSERT INTO rel_term ")) << entries[1].sql;
  EXPECT_FALSE(has_param(entries[1], ormc::Value("1"))) << "the replaced term is not inserted";
  ormc::Session fresh(*db_);
  EXPECT_EQ(fresh.scalars(ormc::select<Term>()).all().size(), 2u);
}

}  // namespace
