// ormc::Reference<T>: the scalar side of a many-to-one relationship (`parent: Parent` / `Parent?`).
#pragma once

#include <memory>

#include "ormc/detail/relationship_state.hpp"

namespace ormc {

namespace detail {

/// The untyped state of one many-to-one reference: which object it points at, whether that is
/// known in memory, and whether the user changed it since the last flush.
///
/// Memory ownership (the scheme every relationship member follows):
///  - collections hold their children strongly (a loaded collection is the parent's data), on
///    both sides of a many-to-many pair as well (so two loaded sides hold each other: a cycle);
///  - a reference holds its target strongly only while the flush still needs the object
///    itself (it was set and not flushed yet: the target may be transient or pending and
///    reachable through nothing else); otherwise it holds it weakly, and when the target has
///    been freed the foreign key columns find it again through the identity map or a SELECT.
/// So after a flush no reference keeps anything alive and a parent <-> children pair is freed
/// as soon as the user drops it; a many-to-many pair loaded on both sides is not, and is left
/// to the cycle collector below. Before the first flush, a child set with set_parent(p) whose
/// parent also lists it (back_populates) is a strong cycle; the flush (or the objects joining a
/// Session and being flushed) breaks it. Cycles that are never flushed (objects never added, or
/// expunged / rolled back / closed before a flush) are freed by the cycle collector of
/// ormc/cycles.hpp, and so are many-to-many pairs: every strong hold above is an edge it can
/// enumerate (visit_holds), and an object that gains one is registered as a candidate; see
/// ormc::collect_cycles().
class ReferenceState : public RelationshipState {
 public:
  using RelationshipState::RelationshipState;

  /// The referenced object: from memory when known, else resolved through the foreign key
  /// (identity map first — no SQL when the target is there — then a SELECT).
  /// @throw ormc::InvalidRequestError for lazy = "raise", or a detached owner that must load.
  [[nodiscard]] std::shared_ptr<Object> get_object();
  /// Points the reference at `target` (null: none); the foreign key follows at the next flush.
  /// Keeps a back_populates collection of the old and the new target in step (no loading).
  /// @throw ormc::InvalidRequestError for an object of the wrong entity.
  void set_object(std::shared_ptr<Object> target);

  // --- runtime-internal (unit of work, back_populates, expiry)
  /// Set by the user since the last flush: the flush copies the target's key into the foreign key.
  [[nodiscard]] bool changed() const noexcept { return changed_; }
  /// The target the flush synchronises from (null: the foreign key becomes NULL).
  [[nodiscard]] const std::shared_ptr<Object>& pinned() const noexcept { return pin_; }
  /// The target as memory knows it, without loading (null when unknown or none).
  [[nodiscard]] std::shared_ptr<Object> known() const noexcept { return loaded_ ? target_.lock() : nullptr; }
  /// Memory knows the reference is empty (loaded as, or set to, none): there is nothing to load.
  [[nodiscard]] bool known_empty() const noexcept { return loaded_ && !has_target_; }
  /// The target without SQL: memory, else the identity map by the foreign key (null when neither
  /// knows it). back_populates uses it to find the collection an object leaves.
  [[nodiscard]] std::shared_ptr<Object> peek() const;
  /// How an access loads: the relationship's lazy = ..., or what a query's loader option set for
  /// this object (lazyload / raiseload / noload / selectinload).
  [[nodiscard]] LoaderStrategy strategy() const noexcept;
  /// A query's loader option for this object's reference (kept until the object is freed).
  void set_strategy(LoaderStrategy strategy) noexcept {
    strategy_ = strategy;
    overridden_ = true;
  }
  /// Whether memory knows the target (no access has to load).
  [[nodiscard]] bool loaded() const noexcept { return loaded_; }
  /// A batch loader (selectin) found the target: taken as loaded unless memory already knows one.
  /// `hold`: keep it alive from here (reading it later costs no SQL) — false when the target's
  /// back_populates collection holds this owner, which would make a reference cycle.
  void accept_loaded(const std::shared_ptr<Object>& target, bool hold) noexcept;
  /// The target's back_populates collection now holds this owner: a target a batch (selectin) or a
  /// joined load read is held weakly from now on (that collection and this reference would
  /// otherwise keep each other alive).
  void release_hold(const Object* target) noexcept {
    if (hold_.get() == target) hold_.reset();
  }
  /// back_populates: the other side changed; update memory only (the other side's flush writes).
  void backref_set(const std::shared_ptr<Object>& target) noexcept;
  /// A joined eager load read the target (null: none) with the owner's row. Held strongly, as the
  /// query's result is what loaded it (nothing else may hold it), until set, expired, discarded or
  /// released by release_hold().
  void joined_loaded(const std::shared_ptr<Object>& target) noexcept;
  /// After a flush wrote the foreign key: drop the strong hold, keep the weak one.
  void after_flush() noexcept;
  /// expire() / commit / rollback: forget the target unless an unflushed set() must survive.
  void expire() noexcept;
  /// rollback(): the unflushed set() is discarded with the transaction.
  void discard() noexcept;
  /// Cycle collector (ormc/cycles.hpp): the pin is this member's only strong hold.
  void visit_holds(HoldVisitor& visitor) const override;
  void release_holds() noexcept override;

 private:
  std::weak_ptr<Object> target_;
  std::shared_ptr<Object> pin_;
  bool loaded_ = false;   ///< target_ (or its absence) is what the reference is
  bool has_target_ = false;  ///< loaded_ and not null (target_ may have been freed since)
  bool changed_ = false;  ///< set() since the last flush
  /// A target a selectin batch or a joined load read, held so that reading it costs no SQL (see
  /// accept_loaded, joined_loaded and release_hold).
  std::shared_ptr<Object> hold_;
  bool overridden_ = false;  ///< strategy_ replaces the relationship's lazy = ...
  LoaderStrategy strategy_ = LoaderStrategy::Select;
};

}  // namespace detail

/// A many-to-one (or the foreign-key side of a one-to-one) reference; generated classes expose
/// it as `parent()` / `set_parent(p)`.
///
/// @code
///   auto child = Child::create({.name = "c"});
///   child->set_parent(Parent::create({}));   // both INSERTed at the next flush, parent first
///   session.add(child);
///   session.commit();
///   child->parent();                          // no SQL while the parent is in the identity map
/// @endcode
template <class T>
class Reference : public detail::ReferenceState {
 public:
  using ReferenceState::ReferenceState;

  /// The referenced object, or null. @throw ormc::InvalidRequestError (lazy = "raise", detached)
  [[nodiscard]] std::shared_ptr<T> get() { return std::static_pointer_cast<T>(get_object()); }
  /// Sets the reference (null clears it; the foreign key becomes NULL at flush).
  void set(std::shared_ptr<T> target) { set_object(std::move(target)); }
};

}  // namespace ormc
