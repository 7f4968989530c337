// The delete cascade along a many-to-one on SQLite and PostgreSQL: remove(child) also deletes the parent its
// reference names (loading it when needed, as SQLAlchemy's session.delete()), and the parent's other
// children follow the parent's own rules; the statement sequence is asserted through the statement log.
#include <memory>
#include <string>
#include <vector>

#include "relationship_fixture.hpp"

namespace {

using ormc_test::contains;
using ormc_test::starts_with;
using reltest::Card;
using reltest::Crate;
using reltest::Deck;
using reltest::Slot;

class ManyToOneDeleteTest : public ormc_test::RelationshipTest {
 protected:
  /// A crate with slots "s1" and "s2", committed; returns the slots' ids.
  std::vector<std::int32_t> stored_crate() {
    ormc::Session s(*db_);
    auto crate = Crate::create({.name = "c"});
    auto s1 = Slot::create({.name = "s1"});
    auto s2 = Slot::create({.name = "s2"});
    crate->slots().add(s1);
    crate->slots().add(s2);
    s.add(crate);
    s.commit();
    log_->clear();
    return {s1->id(), s2->id()};
  }
  template <class T>
  std::size_t rows_of() {
    ormc::Session s(*db_);
    return s.scalars(ormc::select<T>()).all().size();
  }
};

TEST_F(ManyToOneDeleteTest, RemovingAChildLoadsAndDeletesItsParent) {
  const auto ids = stored_crate();
  ormc::Session session(*db_);
  auto s1 = session.get<Slot>(ids[0]);
  log_->clear();
  session.remove(s1);
  ASSERT_EQ(log_->size(), 1u) << "the parent is loaded through the foreign key at remove()" << dump();
  EXPECT_TRUE(starts_with(log_->entries()[0].sql, "SELECT rel_crate.")) << log_->entries()[0].sql;

  log_->clear();
  session.commit();
  const auto entries = log_->entries();
  // Crate.slots has no delete cascade: the crate's other slot keeps its row with a NULL foreign key
  // (its collection is loaded for that, as SQLAlchemy's flush does), then the rows are deleted
  // children first.
  ASSERT_EQ(entries.size(), 4u) << dump();
  EXPECT_TRUE(starts_with(entries[0].sql, "SELECT rel_slot.")) << entries[0].sql;
  EXPECT_TRUE(starts_with(entries[1].sql, "UPDATE rel_slot SET crate_id = ")) << entries[1].sql;
  EXPECT_TRUE(starts_with(entries[2].sql, "DELETE FROM rel_slot ")) << entries[2].sql;
  EXPECT_TRUE(starts_with(entries[3].sql, "DELETE FROM rel_crate ")) << entries[3].sql;

  ormc::Session check(*db_);
  EXPECT_EQ(check.get<Slot>(ids[0]), nullptr);
  auto s2 = check.get<Slot>(ids[1]);
  ASSERT_NE(s2, nullptr);
  EXPECT_EQ(s2->crate_id(), std::nullopt);
  EXPECT_EQ(rows_of<Crate>(), 0u);
}

TEST_F(ManyToOneDeleteTest, ParentInTheIdentityMapCostsNoSelect) {
  const auto ids = stored_crate();
  ormc::Session session(*db_);
  auto s1 = session.get<Slot>(ids[0]);
  auto crate = s1->crate();
  ASSERT_NE(crate, nullptr);
  log_->clear();
  session.remove(s1);
  EXPECT_EQ(log_->size(), 0u) << dump();
  EXPECT_EQ(ormc::state_of(*crate), ormc::ObjectState::Deleted) << "marked at remove(), as the slot itself";
  EXPECT_EQ(ormc::state_of(*s1), ormc::ObjectState::Deleted);
  session.flush();
  EXPECT_EQ(log_->count("DELETE FROM rel_crate "), 1u) << dump();
  EXPECT_EQ(log_->count("DELETE FROM rel_slot "), 1u) << dump();
}

TEST_F(ManyToOneDeleteTest, ClearedReferenceDeletesNoParent) {
  const auto ids = stored_crate();
  ormc::Session session(*db_);
  auto s1 = session.get<Slot>(ids[0]);
  s1->set_crate(nullptr);
  log_->clear();
  session.remove(s1);
  EXPECT_EQ(log_->size(), 0u) << "memory knows the reference is empty: nothing to load" << dump();
  session.commit();
  EXPECT_EQ(log_->count("DELETE FROM rel_crate "), 0u) << dump();
  EXPECT_EQ(log_->count("DELETE FROM rel_slot "), 1u) << dump();
  EXPECT_EQ(rows_of<Crate>(), 1u);
  EXPECT_EQ(rows_of<Slot>(), 1u);
}

TEST_F(ManyToOneDeleteTest, ParentsOwnDeleteCascadeTakesItsOtherChildren) {
  std::int32_t first_card = 0;
  {
    ormc::Session s(*db_);
    auto deck = Deck::create({.name = "d"});
    for (const char* n : {"c1", "c2", "c3"}) deck->cards().add(Card::create({.name = n}));
    s.add(deck);
    s.commit();
    first_card = deck->cards()[0]->id();
  }
  ormc::Session session(*db_);
  auto card = session.get<Card>(first_card);
  log_->clear();
  session.remove(card);
  // The deck through the card's foreign key, then the deck's cards (Deck.cards cascades delete).
  const auto loads = log_->entries();
  ASSERT_EQ(loads.size(), 2u) << dump();
  EXPECT_TRUE(starts_with(loads[0].sql, "SELECT rel_deck.")) << loads[0].sql;
  EXPECT_TRUE(starts_with(loads[1].sql, "SELECT rel_card.")) << loads[1].sql;
  EXPECT_TRUE(contains(loads[1].sql, "WHERE rel_card.deck_id = ")) << loads[1].sql;

  log_->clear();
  session.commit();
  const auto entries = log_->entries();
  ASSERT_GE(entries.size(), 2u) << dump();
  EXPECT_EQ(log_->count("UPDATE"), 0u) << "every card is deleted, none is NULLed" << dump();
  EXPECT_EQ(log_->count("SELECT"), 0u) << "everything was collected at remove()" << dump();
  EXPECT_TRUE(starts_with(entries.back().sql, "DELETE FROM rel_deck ")) << "the parent row last" << dump();
  for (std::size_t i = 0; i + 1 < entries.size(); ++i)
    EXPECT_TRUE(starts_with(entries[i].sql, "DELETE FROM rel_card ")) << entries[i].sql;
  EXPECT_EQ(rows_of<Card>(), 0u);
  EXPECT_EQ(rows_of<Deck>(), 0u);
}

TEST_F(ManyToOneDeleteTest, RollbackBringsTheCascadedParentBack) {
  const auto ids = stored_crate();
  ormc::Session session(*db_);
  auto s1 = session.get<Slot>(ids[0]);
  auto crate = s1->crate();
  session.remove(s1);
  session.flush();
  EXPECT_EQ(ormc::state_of(*crate), ormc::ObjectState::Deleted);
  session.rollback();
  EXPECT_EQ(ormc::state_of(*crate), ormc::ObjectState::Persistent);
  EXPECT_EQ(ormc::state_of(*s1), ormc::ObjectState::Persistent);
  EXPECT_EQ(rows_of<Crate>(), 1u);
  EXPECT_EQ(rows_of<Slot>(), 2u);
}

}  // namespace
