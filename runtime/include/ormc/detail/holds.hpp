// HoldVisitor: how a relationship member reports the strong std::shared_ptr<Object> copies it owns (cycle collector).
#pragma once

#include <memory>

namespace ormc {
class Object;
}

namespace ormc::detail {

/// Receives, one call per copy, every strong std::shared_ptr<Object> a relationship member
/// holds. The cycle collector counts these against use_count(), so a member must report exactly
/// the copies it stores: reporting one it does not store could make a live object look like
/// garbage; leaving one out only keeps a cycle alive (the safe direction).
class HoldVisitor {
 public:
  virtual void hold(const std::shared_ptr<Object>& target) = 0;

 protected:
  HoldVisitor() = default;
  HoldVisitor(const HoldVisitor&) = default;
  HoldVisitor& operator=(const HoldVisitor&) = default;
  ~HoldVisitor() = default;
};

}  // namespace ormc::detail
