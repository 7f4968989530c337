// MapCollectionState: the keyed view of a loaded collection — keys read from the members, re-keying, "later wins".
#include "ormc/map_collection.hpp"

#include <string>
#include <unordered_map>

#include "object_access.hpp"
#include "ormc/errors.hpp"

namespace ormc::detail {

Value MapCollectionState::key_of(const Object& child) const {
  const auto column = static_cast<std::size_t>(info().collection_key_column);
  ObjectAccess::touch(child, column);  // an expired key is loaded, as the generated getter would
  return ObjectAccess::get(child, column);
}

MapCollectionState::Entries MapCollectionState::refresh() {
  Items items;
  {
    const auto snap = snapshot();
    items.assign(snap->begin(), snap->end());  // a copy: removing a replaced member changes the collection
  }
  Entries entries;
  entries.reserve(items.size());
  for (auto& o : items) entries.push_back(Entry{key_of(*o), o});

  bool unchanged = entries.size() == seen_.size();
  for (std::size_t i = 0; unchanged && i < entries.size(); ++i)
    unchanged = seen_[i].object == entries[i].object.get() && seen_[i].key == entries[i].key;
  if (unchanged) return entries;

  // A member is "moved" when it is new since the last look or its key attribute changed: in a
  // clash it is the later assignment (SQLAlchemy's d[key] = obj), so it wins over a member whose
  // key stayed; among members alike, the later in the collection's order wins.
  std::unordered_map<const Object*, const Value*> before;
  before.reserve(seen_.size());
  for (const Seen& s : seen_) before.emplace(s.object, &s.key);
  std::vector<bool> moved(entries.size());
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const auto it = before.find(entries[i].object.get());
    moved[i] = it == before.end() || *it->second != entries[i].key;
  }
  std::unordered_map<Value, std::size_t, ValueHash> winner;
  winner.reserve(entries.size());
  for (const bool pass : {false, true})
    for (std::size_t i = 0; i < entries.size(); ++i)
      if (moved[i] == pass) winner[entries[i].key] = i;

  Entries kept;
  Items replaced;
  kept.reserve(winner.size());
  seen_.clear();
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (winner[entries[i].key] != i) {
      replaced.push_back(std::move(entries[i].object));
      continue;
    }
    seen_.push_back(Seen{entries[i].object.get(), entries[i].key});
    kept.push_back(std::move(entries[i]));
  }
  // Written at flush as a removal: foreign key NULL, orphan DELETE, or association row DELETE.
  for (const auto& o : replaced) remove_object(o);
  return kept;
}

MapCollectionState::Entries MapCollectionState::entries() { return refresh(); }

std::shared_ptr<Object> MapCollectionState::find_object(const Value& key) {
  for (Entry& e : refresh())
    if (e.key == key) return std::move(e.object);
  return nullptr;
}

std::shared_ptr<Object> MapCollectionState::at_object(const Value& key) {
  if (auto found = find_object(key)) return found;
  throw KeyNotFound("Map collection \"" + describe() + "\" has no '" + std::string(info().target().name) +
                    "' with key " + key.debug_string());
}

void MapCollectionState::put_object(std::shared_ptr<Object> child) {
  check_child(child, "add");
  const Value key = key_of(*child);
  for (const Entry& e : refresh())
    if (e.key == key && e.object != child) remove_object(e.object);  // replaced, as d[key] = child
  add_object(std::move(child));
}

bool MapCollectionState::erase_key(const Value& key) {
  for (const Entry& e : refresh()) {
    if (e.key != key) continue;
    remove_object(e.object);
    return true;
  }
  return false;
}

void MapCollectionState::make_room_for(const std::shared_ptr<Object>& child) {
  const Value key = key_of(*child);
  for (const Entry& e : refresh())
    if (e.key == key && e.object != child) remove_object(e.object);
}

}  // namespace ormc::detail
