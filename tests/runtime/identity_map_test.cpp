// The identity map's open-addressing table, checked against std::map under random inserts and erases.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "object_access.hpp"
#include "session/identity_map.hpp"
#include "statement.orm.hpp"

namespace {

using ormc::Object;
using ormc::Value;
using ormc::detail::IdentityKeyView;
using ormc::detail::IdentityMap;
using ormc::detail::KeyValues;
using ormc::detail::ObjectAccess;
using stmttest::Author;
using stmttest::Book;

// Registers `object` the way the Session does: the state remembers its key for erase().
void add(IdentityMap& map, const std::shared_ptr<Object>& object, Value key) {
  ObjectAccess::state(*object).identity = map.insert(object, KeyValues(std::vector<Value>{std::move(key)}));
}

std::shared_ptr<Object> find(const IdentityMap& map, const ormc::EntityInfo& entity, Value key) {
  return map.find(IdentityKeyView{&entity, std::span<const Value>(&key, 1)});
}

// Registers `object` the way a loaded row with an integer key is: probe, build, then insert where
// the probe pointed.
void add_probed(IdentityMap& map, const IdentityMap::IntegerProbe& probe, const std::shared_ptr<Object>& object,
                std::int64_t key) {
  ObjectAccess::state(*object).identity = map.insert_probed(probe, *object, key);
}

void forget(IdentityMap& map, const std::shared_ptr<Object>& object) {
  auto& state = ObjectAccess::state(*object);
  map.erase(state.identity);
  state.identity = nullptr;
}

TEST(IdentityMapTest, FindsEachObjectByEntityAndKeyOnly) {
  IdentityMap map;
  auto author = std::shared_ptr<Object>(Author::create());
  auto book = std::shared_ptr<Object>(Book::create());
  add(map, author, Value(std::int64_t{7}));
  add(map, book, Value(std::int64_t{7}));  // same key, another entity
  EXPECT_EQ(find(map, Author::ormc_entity_info(), Value(std::int64_t{7})), author);
  EXPECT_EQ(find(map, Book::ormc_entity_info(), Value(std::int64_t{7})), book);
  EXPECT_EQ(find(map, Author::ormc_entity_info(), Value(std::int64_t{8})), nullptr);
  EXPECT_EQ(find(map, Author::ormc_entity_info(), Value(std::string("7"))), nullptr);
  forget(map, author);
  EXPECT_EQ(find(map, Author::ormc_entity_info(), Value(std::int64_t{7})), nullptr);
  EXPECT_EQ(find(map, Book::ormc_entity_info(), Value(std::int64_t{7})), book);
  EXPECT_EQ(map.size(), 1U);
  forget(map, book);
}

TEST(IdentityMapTest, ReinsertingUnderANewKeyMovesTheEntry) {
  IdentityMap map;
  auto author = std::shared_ptr<Object>(Author::create());
  add(map, author, Value(std::int64_t{1}));
  add(map, author, Value(std::int64_t{2}));  // a primary key changed at flush
  EXPECT_EQ(map.size(), 1U);
  EXPECT_EQ(find(map, Author::ormc_entity_info(), Value(std::int64_t{1})), nullptr);
  EXPECT_EQ(find(map, Author::ormc_entity_info(), Value(std::int64_t{2})), author);
  forget(map, author);
  EXPECT_EQ(map.size(), 0U);
}

TEST(IdentityMapTest, AReplacedObjectNoLongerOwnsItsEntry) {
  IdentityMap map;
  auto first = std::shared_ptr<Object>(Author::create());
  add(map, first, Value(std::int64_t{5}));
  const auto* first_key = ObjectAccess::state(*first).identity;
  // The Session replaces an entry only when its object is dying; the map takes the caller's word.
  auto second = std::shared_ptr<Object>(Author::create());
  add(map, second, Value(std::int64_t{5}));
  EXPECT_EQ(map.size(), 1U);
  EXPECT_EQ(ObjectAccess::state(*first).identity, nullptr);
  map.erase(first_key);  // the dying object's destructor would do this: it must not remove `second`
  EXPECT_EQ(find(map, Author::ormc_entity_info(), Value(std::int64_t{5})), second);
  forget(map, second);
}

TEST(IdentityMapTest, AProbeThatWentStaleStillInsertsInTheRightPlace) {
  IdentityMap map;
  const auto& entity = Author::ormc_entity_info();
  std::vector<std::shared_ptr<Object>> others;
  // Probes taken before the table grows (the 48th entry of 64 slots), or before an entry moves by a
  // backward shift, point at slots that are no longer right.
  const auto probe = map.probe_integer(&entity, 1000);
  EXPECT_EQ(probe.live, nullptr);
  for (std::int64_t k = 0; k < 200; ++k) {
    others.push_back(std::shared_ptr<Object>(Author::create()));
    add(map, others.back(), Value(k));
  }
  auto late = std::shared_ptr<Object>(Author::create());
  add_probed(map, probe, late, 1000);
  EXPECT_EQ(map.probe_integer(&entity, 1000).live, late);
  for (std::int64_t k = 0; k < 200; ++k) EXPECT_EQ(map.probe_integer(&entity, k).live, others[static_cast<std::size_t>(k)]);
  EXPECT_EQ(map.size(), 201U);
  forget(map, late);
  for (auto& o : others) forget(map, o);
  EXPECT_EQ(map.size(), 0U);
}

// Random inserts, erases and lookups over a small key range (many collisions, long probe runs,
// wrap-around at the table's end, growth), compared with a std::map after every step. Half the
// inserts go through probe_integer() + insert_probed(), sometimes with another insert or an erase
// between the two (the probe then went stale).
TEST(IdentityMapTest, AgreesWithAReferenceMapUnderRandomOperations) {
  std::mt19937 random(12345);
  IdentityMap map;
  std::map<std::pair<int, std::int64_t>, std::shared_ptr<Object>> model;
  const ormc::EntityInfo* entities[] = {&Author::ormc_entity_info(), &Book::ormc_entity_info()};
  for (int step = 0; step < 40000; ++step) {
    const int e = static_cast<int>(random() % 2);
    // Mostly a narrow range, sometimes huge or negative keys.
    std::int64_t key = static_cast<std::int64_t>(random() % 3000);
    if (random() % 10 == 0) key = static_cast<std::int64_t>(random()) * 1000003 - (std::int64_t{1} << 40);
    const auto id = std::make_pair(e, key);
    const auto op = random() % 3;
    auto it = model.find(id);
    const auto make = [](int entity) {
      return entity == 0 ? std::shared_ptr<Object>(Author::create()) : std::shared_ptr<Object>(Book::create());
    };
    if (op == 0 && it == model.end()) {
      auto object = make(e);
      if (random() % 2 == 0) {
        add(map, object, Value(key));
      } else {
        const auto probe = map.probe_integer(entities[e], key);
        ASSERT_EQ(probe.live, nullptr);
        const auto between = random() % 4;
        const auto other_id = std::make_pair(e, key + 1);
        if (between == 0 && !model.contains(other_id)) {
          auto other = make(e);
          add(map, other, Value(key + 1));
          model.emplace(other_id, other);
        } else if (between == 1 && !model.empty()) {
          auto victim = model.begin();
          std::advance(victim, static_cast<long>(random() % model.size()));
          forget(map, victim->second);
          model.erase(victim);
        }
        add_probed(map, probe, object, key);
      }
      model.emplace(id, object);
    } else if (op == 1 && it != model.end()) {
      forget(map, it->second);
      model.erase(it);
    }
    ASSERT_EQ(map.size(), model.size()) << "step " << step;
    const auto found = find(map, *entities[e], Value(key));
    it = model.find(id);
    ASSERT_EQ(found, it == model.end() ? nullptr : it->second) << "step " << step << " key " << key;
    ASSERT_EQ(map.probe_integer(entities[e], key).live, found) << "step " << step << " key " << key;
  }
  // Every survivor is still reachable, and the walk sees exactly them.
  for (const auto& [id, object] : model) ASSERT_EQ(find(map, *entities[id.first], Value(id.second)), object);
  EXPECT_EQ(map.live_objects().size(), model.size());
  for (const auto& [id, object] : model) forget(map, object);
  EXPECT_EQ(map.size(), 0U);
}

}  // namespace
