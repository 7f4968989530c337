// Identity map implementation: hashing keys and keeping weak entries in step with object lifetimes.
#include "session/identity_map.hpp"

#include <functional>

#include "object_access.hpp"

namespace ormc::detail {

std::size_t IdentityKeyHash::operator()(const IdentityKeyView& k) const noexcept {
  std::size_t h = reinterpret_cast<std::uintptr_t>(k.entity) * 0x9E3779B97F4A7C15ULL;
  if (k.key.size() == 1 && k.key[0].holds<std::int64_t>()) {
    // The usual key, one integer, is mixed directly: visiting the variant cost more than the
    // rest of a lookup (three hashes per streamed row: find, insert, erase).
    const auto x = static_cast<std::uint64_t>(k.key[0].as<std::int64_t>());
    return h ^ (x * 0xC2B2AE3D27D4EB4FULL + (h << 6) + (h >> 2));
  }
  for (const Value& v : k.key) h ^= ValueHash{}(v) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  return h;
}

std::shared_ptr<Object> IdentityMap::find(const IdentityKeyView& key) const {
  auto it = map_.find(key);
  if (it == map_.end()) return nullptr;
  return it->second.lock();
}

std::vector<Value> IdentityMap::primary_key_of(const Object& object) {
  const EntityInfo& entity = object.ormc_entity();
  std::vector<Value> key;
  key.reserve(entity.primary_key.size());
  for (std::uint16_t column : entity.primary_key) key.push_back(ObjectAccess::get(object, column));
  return key;
}

const IdentityKey* IdentityMap::insert(const std::shared_ptr<Object>& object) {
  return insert(object, KeyValues(primary_key_of(*object)));
}

const IdentityKey* IdentityMap::insert(const std::shared_ptr<Object>& object, KeyValues key_values) {
  IdentityKey key{&object->ormc_entity(), std::move(key_values)};
  auto [it, inserted] = map_.try_emplace(std::move(key), object);
  if (!inserted) it->second = object;  // the previous object of this row is gone (checked by the caller)
  return &it->first;
}

void IdentityMap::erase(const IdentityKey* key) {
  auto it = map_.find(IdentityKeyView{key->entity, key->key});
  if (it != map_.end() && &it->first == key) map_.erase(it);
}

}  // namespace ormc::detail
