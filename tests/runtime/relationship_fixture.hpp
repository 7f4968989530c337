// Test support for relationship tests: a fresh relations.orm database per test, a statement log, helpers.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "relations.orm.hpp"
#include "test_backend.hpp"

namespace ormc_test {

inline bool starts_with(const std::string& text, const std::string& prefix) { return text.rfind(prefix, 0) == 0; }
inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

class RelationshipTest : public DatabaseTest<&reltest::metadata> {
 protected:
  /// A parent with children named `names`, committed in a Session of its own; returns its id.
  std::int32_t stored_parent(const std::vector<std::string>& names) {
    ormc::Session s(*db_);
    auto parent = reltest::Parent::create({.name = "p"});
    for (const auto& n : names) parent->children().add(reltest::Child::create({.name = n}));
    s.add(parent);
    s.commit();
    const std::int32_t id = parent->id();
    log_->clear();
    return id;
  }

  /// The log's SQL texts, joined for failure messages.
  std::string dump() const {
    std::string out;
    for (const auto& s : log_->sql()) out += "\n  " + s;
    return out;
  }
};

}  // namespace ormc_test
