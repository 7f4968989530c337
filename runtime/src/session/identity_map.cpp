// Identity map implementation: hashing keys and keeping weak entries in step with object lifetimes.
#include "session/identity_map.hpp"

#include <algorithm>
#include <bit>
#include <functional>
#include <utility>

#include "object_access.hpp"

namespace ormc::detail {

std::size_t IdentityKeyHash::integer(const EntityInfo* entity, std::int64_t key) noexcept {
  // The usual key, one integer: added, not scrambled, so consecutive keys keep consecutive hashes
  // (IdentityMap::home() keeps runs of them together: walking rows in key order stays cache-friendly).
  return reinterpret_cast<std::uintptr_t>(entity) * 0x9E3779B97F4A7C15ULL + static_cast<std::size_t>(key);
}

std::size_t IdentityKeyHash::operator()(const IdentityKeyView& k) const noexcept {
  if (k.key.size() == 1 && k.key[0].holds<std::int64_t>()) return integer(k.entity, k.key[0].as<std::int64_t>());
  std::size_t h = reinterpret_cast<std::uintptr_t>(k.entity) * 0x9E3779B97F4A7C15ULL;
  for (const Value& v : k.key) h ^= ValueHash{}(v) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  return h;
}

namespace {

// Runs of 2^kRunBits consecutive integer keys share consecutive slots (see home()); the table is
// always larger than one run.
constexpr unsigned kRunBits = 4;
constexpr std::size_t kMinSlots = 64;
static_assert(kMinSlots > (std::size_t{1} << kRunBits), "home() must shift by less than 64");

bool same_key(const IdentityKey& stored, const IdentityKeyView& key) noexcept {
  if (stored.entity != key.entity || stored.key.size() != key.key.size()) return false;
  // One integer each: compare without visiting the variants.
  if (key.key.size() == 1 && stored.key[0].holds<std::int64_t>() && key.key[0].holds<std::int64_t>())
    return stored.key[0].as<std::int64_t>() == key.key[0].as<std::int64_t>();
  return std::equal(stored.key.begin(), stored.key.end(), key.key.begin());
}

const IdentityKey& key_of(const Object& object) noexcept { return ObjectAccess::state(object).identity_key; }

}  // namespace

std::size_t IdentityMap::home(std::size_t hash) const noexcept {
  // Runs of 16 consecutive keys stay in consecutive slots (walking rows in key order touches one
  // cache line after another, as with an identity hash), while Fibonacci hashing scatters the runs:
  // pure identity placement would build long probe runs under linear probing, and a pure scatter
  // turned 100,000 in-order get()s into a cache miss each (33 ns -> 430 ns per lookup).
  const std::size_t run = ((hash >> kRunBits) * 0x9E3779B97F4A7C15ULL) >> (shift_ + kRunBits);
  return (run << kRunBits) | (hash & ((std::size_t{1} << kRunBits) - 1));
}

std::shared_ptr<Object> IdentityMap::find(const IdentityKeyView& key) const {
  if (size_ == 0) return nullptr;
  const std::size_t hash = IdentityKeyHash{}(key);
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = home(hash);; i = (i + 1) & mask) {
    const Slot& slot = slots_[i];
    if (slot.object == nullptr) return nullptr;
    // A dying object (its last reference gone, its destructor not yet run) locks to null: not found.
    if (slot.hash == hash && same_key(key_of(*slot.object), key)) return slot.object->weak_from_this().lock();
  }
}

IdentityMap::IntegerProbe IdentityMap::probe_integer(const EntityInfo* entity, std::int64_t key) const {
  IntegerProbe probe;
  probe.hash = IdentityKeyHash::integer(entity, key);
  probe.version = version_;
  if (slots_.empty()) return probe;
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = home(probe.hash);; i = (i + 1) & mask) {
    const Slot& slot = slots_[i];
    probe.slot = i;
    if (slot.object == nullptr) return probe;
    if (slot.hash != probe.hash) continue;
    const IdentityKey& stored = key_of(*slot.object);
    if (stored.entity == entity && stored.key.size() == 1 && stored.key[0].holds<std::int64_t>() &&
        stored.key[0].as<std::int64_t>() == key) {
      probe.live = slot.object->weak_from_this().lock();
      return probe;
    }
  }
}

const IdentityKey* IdentityMap::insert_probed(const IntegerProbe& probe, Object& object, std::int64_t key) {
  InstanceState& state = ObjectAccess::state(object);
  if (state.identity != nullptr) erase(state.identity);
  state.identity = nullptr;
  state.identity_key.entity = &object.ormc_entity();
  state.identity_key.key.assign_integer(key);
  // The probe holds while nothing entered or left the table since, and no growth is due.
  if (probe.version != version_ || slots_.empty() || (size_ + 1) * 4 > slots_.size() * 3)
    return enter(object, probe.hash);
  return claim(slots_[probe.slot], object, probe.hash);
}

const IdentityKey* IdentityMap::claim(Slot& slot, Object& object, std::size_t hash) noexcept {
  InstanceState& state = ObjectAccess::state(object);
  if (slot.object == nullptr) {
    slot = {hash, &object};
    ++size_;
  } else {
    // The previous object of this row is dying (checked by the caller): it no longer owns the entry.
    ObjectAccess::state(*slot.object).identity = nullptr;
    slot.object = &object;
  }
  ++version_;
  state.identity_key.hash = hash;
  return &state.identity_key;
}

KeyValues IdentityMap::primary_key_of(const Object& object) {
  KeyValues key;
  for (std::uint16_t column : object.ormc_entity().primary_key) key.push_back(ObjectAccess::get(object, column));
  return key;
}

const IdentityKey* IdentityMap::insert(const std::shared_ptr<Object>& object) {
  return insert(object, primary_key_of(*object));
}

const IdentityKey* IdentityMap::insert(const std::shared_ptr<Object>& object, KeyValues&& key_values) {
  InstanceState& state = ObjectAccess::state(*object);
  // Registered already (under an older key): the key storage is about to be overwritten.
  if (state.identity != nullptr) erase(state.identity);
  state.identity = nullptr;
  state.identity_key.entity = &object->ormc_entity();
  state.identity_key.key = std::move(key_values);
  return enter(*object, IdentityKeyHash{}(IdentityKeyView{state.identity_key.entity, state.identity_key.key}));
}

const IdentityKey* IdentityMap::enter(Object& object, std::size_t hash) {
  InstanceState& state = ObjectAccess::state(object);
  const IdentityKeyView view{state.identity_key.entity, state.identity_key.key};
  if ((size_ + 1) * 4 > slots_.size() * 3) grow(std::max(kMinSlots, slots_.size() * 2));
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = home(hash);; i = (i + 1) & mask) {
    Slot& slot = slots_[i];
    if (slot.object == nullptr || (slot.object != &object && slot.hash == hash && same_key(key_of(*slot.object), view)))
      return claim(slot, object, hash);
  }
}

void IdentityMap::erase(const IdentityKey* key) {
  if (size_ == 0) return;
  const std::size_t mask = slots_.size() - 1;
  std::size_t i = home(key->hash);
  for (;; i = (i + 1) & mask) {
    if (slots_[i].object == nullptr) return;  // not registered
    if (slots_[i].hash == key->hash && &key_of(*slots_[i].object) == key) break;
  }
  // Backward-shift deletion: pull later members of the probe run into the hole, so lookups never
  // meet a tombstone and the table never needs cleaning.
  for (std::size_t j = (i + 1) & mask; slots_[j].object != nullptr; j = (j + 1) & mask) {
    const std::size_t want = home(slots_[j].hash);
    // Slot j may move to the hole at i only if its home is not cyclically within (i, j].
    const bool stays = (i < j) ? (want > i && want <= j) : (want > i || want <= j);
    if (stays) continue;
    slots_[i] = slots_[j];
    i = j;
  }
  slots_[i] = Slot{};
  --size_;
  ++version_;
}

std::vector<std::shared_ptr<Object>> IdentityMap::live_objects() const {
  std::vector<std::shared_ptr<Object>> live;
  live.reserve(size_);
  for (const Slot& slot : slots_)
    if (slot.object != nullptr)
      if (auto strong = slot.object->weak_from_this().lock()) live.push_back(std::move(strong));
  return live;
}

void IdentityMap::clear() noexcept {
  slots_.clear();
  size_ = 0;
  shift_ = 64;
  ++version_;
}

void IdentityMap::reserve(std::size_t n) {
  if (n * 4 > slots_.size() * 3) {
    std::size_t wanted = kMinSlots;
    while (n * 4 > wanted * 3) wanted *= 2;
    grow(wanted);
  }
}

void IdentityMap::grow(std::size_t min_slots) {
  std::size_t count = kMinSlots;
  while (count < min_slots) count *= 2;
  if (count <= slots_.size()) return;
  std::vector<Slot> old = std::exchange(slots_, std::vector<Slot>(count));
  ++version_;
  shift_ = 64 - static_cast<unsigned>(std::countr_zero(count));
  for (const Slot& slot : old)
    if (slot.object != nullptr) place(slot);
}

void IdentityMap::place(Slot slot) noexcept {
  const std::size_t mask = slots_.size() - 1;
  std::size_t i = home(slot.hash);
  while (slots_[i].object != nullptr) i = (i + 1) & mask;
  slots_[i] = slot;
}

}  // namespace ormc::detail
