// ormc::collect_cycles(): frees related objects that hold only each other (never-flushed back_populates cycles).
#pragma once

#include <cstddef>

namespace ormc {

/// Frees the objects of this thread that are kept alive only by each other's relationship
/// members, and returns how many were freed.
///
/// Why it exists: before a flush, `child->set_parent(p)` pins `p` strongly (the flush must still
/// INSERT it) while `p->children()` (back_populates) holds `child`; the same holds for chains,
/// adjacency lists and many-to-many pending adds. If the user drops both handles before a flush
/// ever runs (never added to a Session, or expunged / rolled back / closed first), nothing else
/// would free them. Both sides of a many-to-many pair hold their items strongly, flushed or not,
/// so a pair loaded (or added) on both sides is such a cycle too.
///
/// How: every strong `std::shared_ptr<Object>` a relationship member stores (a reference's pin,
/// a collection's items, back_populates queue and pending add / remove lists) is an edge. An
/// object that gains one is registered (a weak pointer in a per-thread list). A collection takes
/// the objects reachable from the registered ones by those edges, counts for each the edges
/// coming from inside that set and compares with `use_count()`: an object with any other holder
/// (user code, a Session, a result, an iterator) is alive, and so is everything it reaches; the
/// rest hold only each other and are released. A copy the collector does not know about always
/// counts as an outside holder, so it can only err towards keeping objects.
///
/// When it runs: automatically when the thread's registry has grown past a threshold (which
/// doubles with the objects that survive, so the cost per registration stays constant) — checked
/// when set_parent() / Collection::add() begin, before they touch anything; when the thread
/// exits; and whenever this function is called.
///
/// Threads: objects are used by one thread at a time. The registry is per thread and needs no
/// lock; a collection reads the relationship members of the objects registered by its thread
/// and of those they reach, so an object graph built in one thread may be used by another only
/// while the first makes no ormc calls (or after it has exited).
///
/// @code
///   {
///     auto p = Parent::create({});
///     auto c = Child::create({});
///     c->set_parent(p);   // p <-> c through back_populates, never flushed
///   }
///   ormc::collect_cycles();   // returns 2: both freed
/// @endcode
std::size_t collect_cycles();

/// How many objects this thread's registry currently lists as possible cycle members (objects
/// holding, or having gained since the last collection, a strong relationship hold). Diagnostics.
[[nodiscard]] std::size_t cycle_candidates() noexcept;

}  // namespace ormc
