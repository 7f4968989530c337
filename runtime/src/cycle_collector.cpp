// The cycle collector for relationship holds: trial deletion (Bacon–Rajan, as CPython's gc) over the edges ormc owns.
#include "cycle_collector.hpp"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "ormc/cycles.hpp"
#include "ormc/detail/relationship_state.hpp"

namespace ormc::detail {
namespace {

/// The first collection runs after this many registrations; later ones after twice the survivors.
constexpr std::size_t kInitialThreshold = 1000;

/// Calls f(RelationshipState&) for every relationship member `object` has a state object for.
template <class F>
void for_each_state(Object& object, F&& f) {
  for (const RelationshipInfo& rel : object.ormc_entity().relationships)
    if (rel.state != nullptr)
      if (RelationshipState* state = rel.state(object)) f(*state);
}

/// One object reached by a collection.
struct Node {
  std::shared_ptr<Object> object;  ///< the collector's own lock (one count of use_count())
  std::size_t inner = 0;           ///< strong holds on it stored by objects of the collection
  std::size_t out = 0;             ///< strong holds it stores
  bool live = false;
};

/// The objects reachable from the candidates, each entered once (InstanceState::cycle_node marks
/// it, so no hash lookups); unmarks them all when it goes, also when an allocation throws.
class Graph {
 public:
  Graph() = default;
  Graph(const Graph&) = delete;
  Graph& operator=(const Graph&) = delete;
  ~Graph() {
    for (Node& n : nodes_) ObjectAccess::state(*n.object).cycle_node = 0;
  }

  std::size_t enter(const std::shared_ptr<Object>& object) {
    InstanceState& s = ObjectAccess::state(*object);
    // A mark is trusted only when it names this very object (it can't be stale today; if it ever
    // were, believing it would count holds against the wrong object).
    if (s.cycle_node != 0 && s.cycle_node <= nodes_.size() && nodes_[s.cycle_node - 1].object == object)
      return s.cycle_node - 1;
    nodes_.push_back(Node{object});
    s.cycle_node = static_cast<std::uint32_t>(nodes_.size());
    return nodes_.size() - 1;
  }
  [[nodiscard]] std::vector<Node>& nodes() noexcept { return nodes_; }

  /// Hands the locks over to the caller (the marks are cleared first), so that dropping them —
  /// which frees the garbage — happens after this object is done with their states.
  std::vector<Node> release() noexcept {
    for (Node& n : nodes_) ObjectAccess::state(*n.object).cycle_node = 0;
    return std::move(nodes_);
  }

 private:
  std::vector<Node> nodes_;
};

/// Counts each reported hold on its target and enters the target into the graph.
class CountHolds final : public HoldVisitor {
 public:
  explicit CountHolds(Graph& graph) : graph_(graph) {}
  void hold(const std::shared_ptr<Object>& target) override {
    if (!target) return;
    // enter() may reallocate the node vector: index, never keep a reference across it.
    const std::size_t i = graph_.enter(target);
    ++graph_.nodes()[i].inner;
    ++out;
  }
  std::size_t out = 0;

 private:
  Graph& graph_;
};

/// Marks each reported hold's target live, queuing the ones newly marked.
class MarkLive final : public HoldVisitor {
 public:
  MarkLive(std::vector<Node>& nodes, std::vector<std::size_t>& queue) : nodes_(nodes), queue_(queue) {}
  void hold(const std::shared_ptr<Object>& target) override {
    if (!target) return;
    Node& n = nodes_[ObjectAccess::state(*target).cycle_node - 1];  // every target was entered
    if (n.live) return;
    n.live = true;
    queue_.push_back(ObjectAccess::state(*target).cycle_node - 1);
  }

 private:
  std::vector<Node>& nodes_;
  std::vector<std::size_t>& queue_;
};

/// A registered object: the raw pointer is read only while the weak pointer says it is alive (one
/// thread), so the collection can skip pending objects without an atomic lock / unlock each.
struct Candidate {
  Object* object;
  std::weak_ptr<Object> weak;
};

class Registry {
 public:
  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;
  /// The thread's last chance: whatever holds only itself goes with the thread.
  ~Registry();

  void add(Object& owner) {
    std::weak_ptr<Object> weak = owner.weak_from_this();
    if (weak.expired()) return;  // not owned by a shared_ptr (never the case for T::create())
    candidates_.push_back(Candidate{&owner, std::move(weak)});
    ObjectAccess::state(owner).cycle_candidate = true;
  }
  [[nodiscard]] bool due() const noexcept { return candidates_.size() >= threshold_ && !collecting_; }
  [[nodiscard]] std::size_t size() const noexcept { return candidates_.size(); }
  std::size_t collect();

 private:
  std::vector<Candidate> candidates_;
  std::size_t threshold_ = kInitialThreshold;
  bool collecting_ = false;
};

/// Set when this thread's registry has been destroyed (thread exit): later registrations, from
/// destructors that run after it, are dropped instead of touching a dead object. Trivially
/// destructible, so it outlives the registry.
thread_local bool registry_gone = false;

Registry& registry() {
  thread_local Registry r;
  return r;
}

std::size_t Registry::collect() {
  if (collecting_) return 0;
  collecting_ = true;
  struct Reset {
    bool& flag;
    ~Reset() { flag = false; }
  } reset{collecting_};

  std::vector<Candidate> candidates = std::move(candidates_);
  candidates_.clear();
  std::vector<Node> locks;  // outlives `graph`: the garbage is freed after the graph is done with it
  std::size_t freed = 0;
  try {
    Graph graph;
    // 1. Lock the candidates that still exist; those freed meanwhile simply drop out. A pending
    //    object is in its Session's list of new objects (a strong hold): alive, and so is all it
    //    reaches, so there is nothing to learn by tracing from it (its holds, left uncounted, only
    //    make what they reach look held from outside — the safe direction). It stays a candidate
    //    (it may be expunged later); the set_parent() children of a large flush cost no tracing.
    for (Candidate& c : candidates) {
      if (c.weak.expired()) continue;
      const InstanceState& s = ObjectAccess::state(*c.object);
      if (s.session != nullptr && s.status == Status::Pending) candidates_.push_back(std::move(c));
      else if (auto object = c.weak.lock()) graph.enter(object);
    }
    const std::size_t seeds = graph.nodes().size();
    // 2. The closure over strong holds, counting the holds on each object from inside it.
    for (std::size_t i = 0; i < graph.nodes().size(); ++i) {
      Object& object = *graph.nodes()[i].object;  // the object stays put when nodes() grows
      CountHolds count(graph);
      for_each_state(object, [&](RelationshipState& s) { s.visit_holds(count); });
      graph.nodes()[i].out = count.out;
    }
    // 3. An object with more owners than the collector's lock and the holds counted inside has
    //    an outside holder: it is alive, and so is everything it holds (transitively).
    std::vector<Node>& nodes = graph.nodes();
    std::vector<std::size_t> queue;
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      const auto owners = static_cast<std::size_t>(nodes[i].object.use_count());
      // More inner holds than owners can't happen single-threaded; if it ever did, the count
      // is not to be trusted, so the object is kept.
      if (owners > nodes[i].inner + 1 || owners < nodes[i].inner + 1) {
        nodes[i].live = true;
        queue.push_back(i);
      }
    }
    MarkLive mark(nodes, queue);
    while (!queue.empty()) {
      const std::size_t i = queue.back();
      queue.pop_back();
      for_each_state(*nodes[i].object, [&](RelationshipState& s) { s.visit_holds(mark); });
    }
    // 4. The rest hold only each other: drop their holds. Nothing is freed yet (every one of
    //    them is still locked), so no destructor runs while states are being cleared.
    for (Node& n : nodes) {
      if (n.live) continue;
      for_each_state(*n.object, [](RelationshipState& s) { s.release_holds(); });
      ObjectAccess::state(*n.object).cycle_candidate = false;
      ++freed;
    }
    // 5. Survivors stay candidates while they still hold something: when their outside holder
    //    goes later, nothing else would register them again. The others leave the registry.
    for (std::size_t i = 0; i < seeds; ++i) {
      Node& n = nodes[i];
      if (!n.live) continue;
      if (n.out > 0) candidates_.push_back(Candidate{n.object.get(), n.object});
      else ObjectAccess::state(*n.object).cycle_candidate = false;
    }
    locks = graph.release();
  } catch (...) {
    // Out of memory half-way: keeping every candidate registered is always exact (duplicates of
    // the ones already put back are entered once at the next collection).
    for (Candidate& c : candidates)
      if (!c.weak.expired()) candidates_.push_back(std::move(c));
    throw;
  }
  threshold_ = std::max(kInitialThreshold, 2 * candidates_.size());
  // Registrations made while collecting (none today) are kept; dropping the locks frees the garbage.
  locks.clear();
  return freed;
}

Registry::~Registry() {
  try {
    collect();
  } catch (...) {
    // A thread exit can't report an allocation failure; the cycles stay (a leak, not a crash).
  }
  // Whatever survived is alive elsewhere; it is no longer anyone's candidate.
  for (const Candidate& c : candidates_)
    if (!c.weak.expired()) ObjectAccess::state(*c.object).cycle_candidate = false;
  registry_gone = true;
}

}  // namespace

void register_cycle_candidate_slow(Object& owner) {
  if (registry_gone) return;
  registry().add(owner);
}

void collect_cycles_if_due() {
  if (registry_gone) return;
  Registry& r = registry();
  if (r.due()) r.collect();
}

}  // namespace ormc::detail

namespace ormc {

std::size_t collect_cycles() {
  if (detail::registry_gone) return 0;
  return detail::registry().collect();
}

std::size_t cycle_candidates() noexcept {
  if (detail::registry_gone) return 0;
  return detail::registry().size();
}

}  // namespace ormc
