// ormc::DynamicCollection<T>: a `lazy = "dynamic"` collection — a typed query pre-filtered by its parent that can also be appended to.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ormc/detail/relationship_state.hpp"
#include "ormc/errors.hpp"
#include "ormc/result.hpp"
#include "ormc/statement.hpp"

namespace ormc {

namespace detail {

/// The refinements a dynamic query adds to the relationship's own SELECT.
struct DynamicQueryData {
  std::vector<ExprPtr> where;     ///< ANDed with the parent criterion
  std::vector<OrderBy> order_by;  ///< appended after the configured order (SQLAlchemy's Query.order_by)
  bool unordered = false;         ///< the configured order_by (and the entity's) is dropped
  std::int64_t offset = 0;
  std::optional<std::int64_t> limit;
};

/// Where one read's rows come from: a cursor on the owner's Session, or — when the parent has no
/// row — its pending items (no SQL). Both empty: the answer is empty without SQL (a LIMIT of 0).
struct DynamicRows {
  std::unique_ptr<ResultCursor> cursor;
  std::vector<std::shared_ptr<Object>> pending;
};

/// Autoflushes the owner's Session and opens the read: a cursor over the parent-filtered SELECT,
/// or the parent's pending items when it has no row.
/// @throw ormc::InvalidRequestError when the parent has a row but is in no Session (detached), or
///        when a parent without a row is filtered or ordered (that can't be evaluated in memory).
[[nodiscard]] DynamicRows dynamic_rows(RelationshipState& state, const DynamicQueryData& query);
/// `SELECT count(*)` with the parent criterion and the filters (LIMIT/OFFSET applied to the total
/// arithmetically, so there is still one statement and never a load). Same throws as dynamic_rows.
[[nodiscard]] std::size_t dynamic_count(RelationshipState& state, const DynamicQueryData& query);
/// The SELECT a dynamic query runs. @throw ormc::InvalidRequestError when the parent has no row.
[[nodiscard]] SelectData dynamic_select(RelationshipState& state, const DynamicQueryData& query);
/// `query` narrowed to its rows [start, stop) with Python slice semantics (stop <= start: empty).
/// @throw ormc::InvalidRequestError for a negative bound.
[[nodiscard]] DynamicQueryData dynamic_slice(DynamicQueryData query, std::int64_t start, std::int64_t stop);
/// @throw ormc::InvalidRequestError naming `what` when `n` is negative.
void dynamic_check_non_negative(std::int64_t n, const char* what);
/// The NoResultFound that `collection[index]` throws when there is no such row.
[[noreturn]] void dynamic_index_error(const RelationshipState& state, std::int64_t index);

/// Rows per FETCH when a dynamic collection is iterated: memory stays bounded by one batch.
inline constexpr std::size_t kDynamicIterationBatch = 1000;

}  // namespace detail

/// A read of a dynamic collection refined with filter(), order_by(), limit(), slice(), ...: a value
/// that runs its SELECT (after an autoflush) each time it is read. Obtained from a
/// DynamicCollection; it keeps the parent object alive.
///
/// @code
///   auto some = org->members().filter(Member::c.name.like("%member t%")).limit(2).all();
///   std::size_t n = org->members().filter(Member::c.name.like("a%")).count();   // SELECT count(*)
/// @endcode
template <class T>
class [[nodiscard]] DynamicQuery {
 public:
  using value_type = std::shared_ptr<T>;

  explicit DynamicQuery(detail::RelationshipState& state)
      : owner_(state.owner().weak_from_this().lock()), state_(&state) {}

  /// Adds WHERE criteria on T's columns; several calls (or arguments) are ANDed with each other
  /// and with the parent criterion.
  template <class... C>
    requires(sizeof...(C) > 0 && (Condition<C> && ...))
  [[nodiscard]] DynamicQuery filter(const C&... criteria) const {
    DynamicQuery copy = *this;
    (copy.data_.where.push_back(detail::to_node(criteria)), ...);
    return copy;
  }
  /// Adds ORDER BY terms after the relationship's configured order_by, as SQLAlchemy's
  /// Query.order_by() does; call unordered() first to replace that order instead.
  template <class... O>
    requires(sizeof...(O) > 0)
  [[nodiscard]] DynamicQuery order_by(const O&... terms) const {
    DynamicQuery copy = *this;
    (copy.data_.order_by.push_back(detail::to_order(terms)), ...);
    return copy;
  }
  /// Drops every ORDER BY: the relationship's order_by, the entity's, and earlier order_by()
  /// terms (SQLAlchemy's `order_by(None)`).
  [[nodiscard]] DynamicQuery unordered() const {
    DynamicQuery copy = *this;
    copy.data_.order_by.clear();
    copy.data_.unordered = true;
    return copy;
  }
  /// LIMIT n. @throw ormc::InvalidRequestError when n is negative.
  [[nodiscard]] DynamicQuery limit(std::int64_t n) const {
    detail::dynamic_check_non_negative(n, "limit()");
    DynamicQuery copy = *this;
    copy.data_.limit = n;
    return copy;
  }
  /// OFFSET n. @throw ormc::InvalidRequestError when n is negative.
  [[nodiscard]] DynamicQuery offset(std::int64_t n) const {
    detail::dynamic_check_non_negative(n, "offset()");
    DynamicQuery copy = *this;
    copy.data_.offset = n;
    return copy;
  }
  /// Rows [start, stop) of this query, as Python's `coll[start:stop]`: OFFSET start LIMIT stop - start;
  /// stop <= start gives an empty result without SQL. Slicing a slice narrows it.
  /// @throw ormc::InvalidRequestError for a negative bound (there is no "from the end" in SQL
  ///        without counting first).
  [[nodiscard]] DynamicQuery slice(std::int64_t start, std::int64_t stop) const {
    DynamicQuery copy = *this;
    copy.data_ = detail::dynamic_slice(data_, start, stop);
    return copy;
  }

  /// The row at `index` (OFFSET index LIMIT 1).
  /// @throw ormc::NoResultFound when there is no such row (Python's IndexError),
  ///        ormc::InvalidRequestError for a negative index.
  [[nodiscard]] std::shared_ptr<T> operator[](std::int64_t index) const {
    if (index < 0)
      throw InvalidRequestError("Negative indexes are not supported by dynamic collection \"" + state_->describe() +
                                "\" (" + std::to_string(index) + "): SQL has no \"from the end\" without counting first");
    std::shared_ptr<T> found = slice(index, index + 1).first();
    if (!found) detail::dynamic_index_error(*state_, index);
    return found;
  }

  /// How many rows the query matches: one `SELECT count(*)` with the parent criterion, never a
  /// load. A parent without a row counts its pending items without SQL.
  /// @throw ormc::InvalidRequestError (detached parent), ormc::DatabaseError
  [[nodiscard]] std::size_t count() const { return detail::dynamic_count(*state_, data_); }
  /// Every row, in one buffered read. @throw ormc::InvalidRequestError (detached parent), ormc::DatabaseError
  [[nodiscard]] std::vector<std::shared_ptr<T>> all() const {
    detail::DynamicRows rows = detail::dynamic_rows(*state_, data_);
    if (rows.cursor) return ScalarResult<std::shared_ptr<T>>(std::move(rows.cursor)).all();
    std::vector<std::shared_ptr<T>> out;
    out.reserve(rows.pending.size());
    for (auto& o : rows.pending) out.push_back(std::static_pointer_cast<T>(std::move(o)));
    return out;
  }
  /// The first row (LIMIT 1, as SQLAlchemy's Query.first()), or nullptr.
  /// @throw ormc::InvalidRequestError (detached parent), ormc::DatabaseError
  [[nodiscard]] std::shared_ptr<T> first() const {
    detail::DynamicRows rows = detail::dynamic_rows(*state_, detail::dynamic_slice(data_, 0, 1));
    if (rows.cursor) return ScalarResult<std::shared_ptr<T>>(std::move(rows.cursor)).first();
    return rows.pending.empty() ? nullptr : std::static_pointer_cast<T>(rows.pending.front());
  }
  /// The only row, or nullptr. @throw ormc::MultipleResultsFound, ormc::InvalidRequestError, ormc::DatabaseError
  [[nodiscard]] std::shared_ptr<T> one_or_none() const {
    detail::DynamicRows rows = detail::dynamic_rows(*state_, data_);
    if (rows.cursor) return ScalarResult<std::shared_ptr<T>>(std::move(rows.cursor)).one_or_none();
    if (rows.pending.size() > 1) throw MultipleResultsFound("Multiple rows were found when one or none was required");
    return rows.pending.empty() ? nullptr : std::static_pointer_cast<T>(rows.pending.front());
  }
  /// Exactly one row. @throw ormc::NoResultFound, ormc::MultipleResultsFound, ormc::InvalidRequestError
  [[nodiscard]] std::shared_ptr<T> one() const {
    std::shared_ptr<T> found = one_or_none();
    if (!found) throw NoResultFound("No row was found when one was required");
    return found;
  }
  /// The SELECT this query runs, for `session.scalars(...)` (e.g. with your own yield_per(n)).
  /// @throw ormc::InvalidRequestError when the parent has no row yet.
  [[nodiscard]] Select<T> select() const { return Select<T>(detail::dynamic_select(*state_, data_)); }

  /// Input iterator over the rows, streamed kDynamicIterationBatch at a time (a server-side cursor
  /// on PostgreSQL): rows the loop drops are freed. Copies share one position.
  class iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = std::shared_ptr<T>;
    using difference_type = std::ptrdiff_t;
    using reference = std::shared_ptr<T>&;

    iterator() = default;
    reference operator*() const { return source_->current; }
    std::shared_ptr<T>* operator->() const { return &source_->current; }
    iterator& operator++() {
      if (!source_->advance()) source_.reset();
      return *this;
    }
    void operator++(int) { ++*this; }
    friend bool operator==(const iterator& it, std::default_sentinel_t) noexcept { return it.source_ == nullptr; }

   private:
    friend class DynamicQuery;
    struct Source {
      std::optional<ScalarResult<std::shared_ptr<T>>> result;
      typename ScalarResult<std::shared_ptr<T>>::iterator position;
      bool started = false;
      std::vector<std::shared_ptr<Object>> pending;
      std::size_t next = 0;
      std::shared_ptr<T> current;

      bool advance() {
        current.reset();  // the previous row is the caller's to keep, not ours
        if (result) {
          if (!started) position = result->begin();
          else ++position;
          started = true;
          if (position == std::default_sentinel) return false;
          current = std::move(*position);
          return true;
        }
        if (next >= pending.size()) return false;
        current = std::static_pointer_cast<T>(pending[next++]);
        return true;
      }
    };
    explicit iterator(std::shared_ptr<Source> source) : source_(std::move(source)) {
      if (!source_->advance()) source_.reset();
    }
    std::shared_ptr<Source> source_;
  };
  /// Runs the query (after an autoflush) and reads the first row.
  /// @throw ormc::InvalidRequestError (detached parent), ormc::DatabaseError
  [[nodiscard]] iterator begin() const {
    auto source = std::make_shared<typename iterator::Source>();
    detail::DynamicRows rows = detail::dynamic_rows(*state_, data_);
    if (rows.cursor) {
      source->result.emplace(std::move(rows.cursor));
      source->result->yield_per(detail::kDynamicIterationBatch);
    } else {
      source->pending = std::move(rows.pending);
    }
    return iterator(std::move(source));
  }
  [[nodiscard]] std::default_sentinel_t end() const noexcept { return {}; }

 private:
  std::shared_ptr<Object> owner_;  // keeps state_ (a member of the owner) alive
  detail::RelationshipState* state_;
  detail::DynamicQueryData data_;
};

/// The far side of a `lazy = "dynamic"` relationship (SQLAlchemy's AppenderQuery): reading it
/// always queries the database — pre-filtered by the parent, ordered by the relationship's
/// order_by — after autoflushing pending changes; it is never loaded whole. append() / extend() /
/// remove() queue changes written at the next flush, like a write-only collection's.
///
/// Reads need the parent's Session, found through the parent: no Session argument. A parent that
/// has no row yet (transient, or pending with autoflush off) answers from its pending items
/// without SQL; a detached parent (a row, no Session) can't be read (InvalidRequestError).
///
/// @code
///   auto org = session.get<orgs::Organization>(1);
///   auto some = org->members().filter(orgs::Member::c.name.like("%member t%")).all();
///   auto page = org->members().slice(5, 20).all();     // OFFSET 5 LIMIT 15
///   std::size_t n = org->members().count();             // SELECT count(*) ... WHERE org_id = ?
///   org->members().append(orgs::Member::create({.name = "member four"}));
///   for (auto& m : org->members()) use(*m);             // streamed, 1000 rows per batch
/// @endcode
template <class T>
class DynamicCollection : public detail::RelationshipState {
 public:
  using value_type = std::shared_ptr<T>;
  using iterator = typename DynamicQuery<T>::iterator;
  using RelationshipState::RelationshipState;

  /// Adds `child`: INSERTed with its foreign key (one-to-many) or associated (many-to-many) at the
  /// next flush, without loading the collection. @throw ormc::InvalidRequestError for a null child.
  void append(std::shared_ptr<T> child) { record_add(std::move(child)); }
  /// append() of each child, in order.
  void extend(const std::vector<std::shared_ptr<T>>& children) {
    for (const auto& c : children) record_add(c);
  }
  void extend(std::initializer_list<std::shared_ptr<T>> children) {
    for (const auto& c : children) record_add(c);
  }
  /// Removes `child`: with delete-orphan its row is DELETEd at flush, else its foreign key is set to
  /// NULL (one-to-many) or its association row deleted (many-to-many) — always with the parent
  /// criterion. @throw ormc::InvalidRequestError when memory proves it is not in the collection
  /// (ormc::StaleDataError at flush when only the database knows).
  void remove(std::shared_ptr<T> child) { record_remove(std::move(child)); }

  /// The whole collection as a refinable query (what filter() & co. start from).
  [[nodiscard]] DynamicQuery<T> query() { return DynamicQuery<T>(*this); }

  /// See DynamicQuery::filter(): a refined copy; this collection is unchanged.
  template <class... C>
    requires(sizeof...(C) > 0 && (Condition<C> && ...))
  [[nodiscard]] DynamicQuery<T> filter(const C&... criteria) {
    return query().filter(criteria...);
  }
  /// See DynamicQuery::order_by(): appended after the relationship's order_by.
  template <class... O>
    requires(sizeof...(O) > 0)
  [[nodiscard]] DynamicQuery<T> order_by(const O&... terms) {
    return query().order_by(terms...);
  }
  /// See DynamicQuery::unordered(): without any ORDER BY.
  [[nodiscard]] DynamicQuery<T> unordered() { return query().unordered(); }
  /// See DynamicQuery::limit(). @throw ormc::InvalidRequestError when n is negative.
  [[nodiscard]] DynamicQuery<T> limit(std::int64_t n) { return query().limit(n); }
  /// See DynamicQuery::offset(). @throw ormc::InvalidRequestError when n is negative.
  [[nodiscard]] DynamicQuery<T> offset(std::int64_t n) { return query().offset(n); }
  /// See DynamicQuery::slice(): rows [start, stop). @throw ormc::InvalidRequestError for a negative bound.
  [[nodiscard]] DynamicQuery<T> slice(std::int64_t start, std::int64_t stop) { return query().slice(start, stop); }
  /// See DynamicQuery::operator[]. @throw ormc::NoResultFound past the end,
  /// ormc::InvalidRequestError for a negative index.
  [[nodiscard]] std::shared_ptr<T> operator[](std::int64_t index) { return query()[index]; }

  /// `SELECT count(*)` of the collection; never a load. @throw ormc::InvalidRequestError (detached parent)
  [[nodiscard]] std::size_t count() { return query().count(); }
  /// Every row. @throw ormc::InvalidRequestError (detached parent), ormc::DatabaseError
  [[nodiscard]] std::vector<std::shared_ptr<T>> all() { return query().all(); }
  /// The first row or nullptr (LIMIT 1). @throw ormc::InvalidRequestError, ormc::DatabaseError
  [[nodiscard]] std::shared_ptr<T> first() { return query().first(); }
  /// Exactly one row. @throw ormc::NoResultFound, ormc::MultipleResultsFound
  [[nodiscard]] std::shared_ptr<T> one() { return query().one(); }
  /// The only row or nullptr. @throw ormc::MultipleResultsFound
  [[nodiscard]] std::shared_ptr<T> one_or_none() { return query().one_or_none(); }
  /// The collection's SELECT, for `session.scalars(...)`. @throw ormc::InvalidRequestError without a parent row
  [[nodiscard]] Select<T> select() { return query().select(); }

  /// Streams the rows (see DynamicQuery::iterator). @throw ormc::InvalidRequestError (detached parent)
  [[nodiscard]] iterator begin() { return query().begin(); }
  [[nodiscard]] std::default_sentinel_t end() const noexcept { return {}; }
};

}  // namespace ormc
