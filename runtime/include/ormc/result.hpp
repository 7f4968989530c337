// ormc::ScalarResult<R>: the rows of session.scalars() as objects or values — all/one/first/iteration/yield_per.
#pragma once

#include <cstddef>
#include <iterator>
#include <memory>
#include <optional>
#include <span>
#include <type_traits>
#include <utility>
#include <vector>

#include "ormc/errors.hpp"
#include "ormc/metadata.hpp"
#include "ormc/object.hpp"
#include "ormc/statement.hpp"
#include "ormc/value.hpp"

namespace ormc {

namespace detail {

class SessionCore;

/// Runs a compiled SELECT for a Session and hands out its rows one at a time: buffered (the whole
/// result at once), or streamed with yield_per (PostgreSQL: a server-side cursor fetching n rows
/// per FETCH; SQLite: stepping the statement). Runtime-internal; used through ScalarResult.
class ResultCursor {
 public:
  /// Compiles `stmt` for the session's dialect; nothing runs until the first next().
  /// `value_type` is how a scalar select's column is decoded (ignored for entity selects).
  /// @throw ormc::InvalidRequestError when the statement can't be compiled.
  ResultCursor(SessionCore& session, const SelectData& stmt, Type value_type);
  ~ResultCursor();
  ResultCursor(const ResultCursor&) = delete;
  ResultCursor& operator=(const ResultCursor&) = delete;

  /// Stream `rows` rows at a time instead of reading the whole result (0: read it all).
  /// @throw ormc::InvalidRequestError when the select loads a collection with a join.
  void set_yield_per(std::size_t rows);
  /// Advances to the next row; the first call autoflushes the Session and runs the statement. From
  /// the first call until one returns false (or close()), the cursor holds the Session for the
  /// calling thread: other threads are refused it meanwhile.
  /// @throw ormc::DatabaseError and the Session's flush errors; ormc::InvalidRequestError when
  /// another thread holds the Session
  bool next();
  /// The current row as an object (identity map first). @throw ormc::DataError
  [[nodiscard]] std::shared_ptr<Object> object() const;
  /// The current row's single column. @throw ormc::DataError
  [[nodiscard]] Value value() const;
  /// Releases the statement (closes a server-side cursor). Idempotent.
  void close();
  /// Whether objects of this select load relationships once a batch of rows is read (selectin).
  /// False for every select without eager relationships, which then reads rows as before.
  [[nodiscard]] bool eager() const noexcept;
  /// Loads the eager relationships of `objects`, a batch of this cursor's rows (one IN query per
  /// relationship and chunk of 500). @throw ormc::DatabaseError
  void load_eager(std::span<const std::shared_ptr<Object>> objects);

 private:
  /// Gives up the claim on the Session that next() took.
  void release_session() noexcept;

  struct Impl;
  std::unique_ptr<Impl> impl_;
};

template <class R>
struct is_shared_ptr : std::false_type {};
template <class T>
struct is_shared_ptr<std::shared_ptr<T>> : std::true_type {};

}  // namespace detail

/// The result of `session.scalars(stmt)`: std::shared_ptr<T> for select<T>(), values of V for
/// select(expr). Single pass, like SQLAlchemy's ScalarResult; the statement runs (after an
/// autoflush) when the result is first read. Must not outlive its Session.
///
/// Without yield_per the whole result is read at once. With yield_per(n) rows are turned into
/// objects one at a time: objects the loop drops are freed (the identity map holds them weakly),
/// so memory stays bounded.
///
/// Relationships loaded with `lazy = "joined"` (or joinedload()) come with the rows themselves: a
/// joined collection makes the whole result be read at the first access (rows repeat per child;
/// each parent is returned once, in the order of its first row).
///
/// Relationships loaded with `lazy = "selectin"` are loaded right after their parents were read,
/// one `IN (...)` SELECT per relationship (and chunk of 500 parents): for all() and plain
/// iteration after the whole result; with yield_per(n) after each batch of n rows (the batch's
/// objects are held until the loop moves past it); for first() / one() / one_or_none() after each
/// row they read.
///
/// @code
///   for (auto& c : session.scalars(ormc::select<Customer>()).yield_per(1000)) process(*c);
///   auto ada = session.scalars(ormc::select<Customer>().where(Customer::c.name == "Ada")).one();
/// @endcode
template <class R>
class [[nodiscard]] ScalarResult {
 public:
  using value_type = R;
  /// What one_or_none() and first() return: a null shared_ptr for objects, std::optional for values.
  using optional_type = std::conditional_t<detail::is_shared_ptr<R>::value, R, std::optional<R>>;

  explicit ScalarResult(std::unique_ptr<detail::ResultCursor> cursor) : cursor_(std::move(cursor)) {}
  ScalarResult(ScalarResult&&) noexcept = default;
  ScalarResult& operator=(ScalarResult&&) noexcept = default;

  /// Streams the rows `n` at a time (n > 0). Must be called before the result is read.
  /// @throw ormc::InvalidRequestError when n is 0 or rows were already read, or the select loads
  ///        a collection with lazy = "joined" / joinedload() (a parent's rows could span batches).
  ScalarResult& yield_per(std::size_t n) & {
    if (n == 0) throw InvalidRequestError("yield_per(n) needs n > 0");
    if (started_) throw InvalidRequestError("yield_per() must be called before the result is read");
    cursor_->set_yield_per(n);
    yield_per_ = n;
    return *this;
  }
  /// yield_per() on a temporary returns it by value, so `for (auto& x : session.scalars(s).yield_per(n))` is safe.
  [[nodiscard]] ScalarResult yield_per(std::size_t n) && {
    yield_per(n);
    return std::move(*this);
  }

  /// Every remaining row. @throw ormc::DatabaseError
  [[nodiscard]] std::vector<R> all() {
    std::vector<R> out;
    while (advance()) out.push_back(std::move(*current_));
    return out;
  }
  /// Exactly one row. @throw ormc::NoResultFound when there is none,
  /// ormc::MultipleResultsFound when there are more.
  [[nodiscard]] R one() {
    auto found = one_or_none_impl();
    if (!found) throw NoResultFound("No row was found when one was required");
    return std::move(*found);
  }
  /// The only row, or none (nullptr / std::nullopt). @throw ormc::MultipleResultsFound
  [[nodiscard]] optional_type one_or_none() {
    auto found = one_or_none_impl();
    if (!found) return optional_type{};
    return optional_type(std::move(*found));
  }
  /// The first row or none; the rest is discarded (no LIMIT is added, as in SQLAlchemy).
  [[nodiscard]] optional_type first() {
    if (!started_) direct_ = true;  // one row is needed: don't read (and build objects for) the rest
    const bool got = advance();
    finish();
    if (!got) return optional_type{};
    return optional_type(std::move(*current_));
  }

  /// Input iterator over the remaining rows; `*it` is the current row (R&).
  class iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = R;
    using difference_type = std::ptrdiff_t;
    using reference = R&;

    iterator() = default;
    explicit iterator(ScalarResult* result) : result_(result) {}
    R& operator*() const { return *result_->current_; }
    R* operator->() const { return &*result_->current_; }
    iterator& operator++() {
      if (!result_->advance()) result_ = nullptr;
      return *this;
    }
    void operator++(int) { ++*this; }
    friend bool operator==(const iterator& it, std::default_sentinel_t) noexcept { return it.result_ == nullptr; }

   private:
    ScalarResult* result_ = nullptr;
  };
  /// Reads the first row. @throw ormc::DatabaseError and the Session's flush errors
  [[nodiscard]] iterator begin() {
    iterator it(this);
    if (!advance()) it = iterator();
    return it;
  }
  [[nodiscard]] std::default_sentinel_t end() const noexcept { return {}; }

 private:
  std::optional<R> one_or_none_impl() {
    if (!started_) direct_ = true;  // two rows at most are needed
    if (!advance()) {
      finish();
      return std::nullopt;
    }
    std::optional<R> found(std::move(*current_));
    if (advance()) {
      finish();
      throw MultipleResultsFound("Multiple rows were found when one or none was required");
    }
    finish();
    return found;
  }

  R read() const {
    if constexpr (detail::is_shared_ptr<R>::value)
      return std::static_pointer_cast<typename R::element_type>(cursor_->object());
    else
      return from_value<R>(cursor_->value());
  }

  // Buffered mode reads everything on first use (SQLAlchemy's default); streaming mode (and
  // first() / one()) reads one row per call, so only the current row's object is held here.
  bool advance() {
    current_.reset();  // drop the previous row's object before building the next one
    const bool buffered = yield_per_ == 0 && !direct_;
    if (!started_) start(buffered);
    // Kept apart so that a select without eager relationships runs the row loop it always did.
    if (eager_) [[unlikely]]
      return advance_eager(buffered);
    if (buffered) return take_buffered();
    if (!cursor_->next()) {
      cursor_->close();
      return false;
    }
    current_.emplace(read());
    return true;
  }
  void start(bool buffered) {
    started_ = true;
    if constexpr (detail::is_shared_ptr<R>::value) eager_ = cursor_->eager();
    if (buffered) {
      fill(static_cast<std::size_t>(-1));
      cursor_->close();
    }
  }
  bool take_buffered() {
    if (position_ >= buffer_.size()) return false;
    current_.emplace(std::move(buffer_[position_]));
    buffer_[position_++] = R{};
    return true;
  }
  /// With eager relationships the rows are read a batch at a time, so that one IN query loads the
  /// batch's relationships: n rows for yield_per(n), one for first() / one().
  bool advance_eager(bool buffered) {
    if (!buffered && position_ >= buffer_.size()) {
      buffer_.clear();
      position_ = 0;
      fill(direct_ ? 1 : yield_per_);
      if (buffer_.empty()) cursor_->close();
    }
    return take_buffered();
  }
  /// Reads up to `n` more rows into buffer_, then loads their eager relationships.
  void fill(std::size_t n) {
    const std::size_t first = buffer_.size();
    while (buffer_.size() - first < n && cursor_->next()) buffer_.push_back(read());
    if constexpr (detail::is_shared_ptr<R>::value) {
      if (eager_ && buffer_.size() > first)
        cursor_->load_eager(std::vector<std::shared_ptr<Object>>(buffer_.begin() + static_cast<std::ptrdiff_t>(first), buffer_.end()));
    }
  }
  void finish() {
    if (started_ && !buffer_.empty()) {
      buffer_.clear();
      position_ = 0;
    }
    started_ = true;
    cursor_->close();
  }

  std::unique_ptr<detail::ResultCursor> cursor_;
  std::size_t yield_per_ = 0;
  bool started_ = false;
  bool direct_ = false;  ///< read rows one at a time without a server-side cursor
  bool eager_ = false;   ///< the select loads relationships after each batch of rows
  std::vector<R> buffer_;
  std::size_t position_ = 0;
  std::optional<R> current_;
};

}  // namespace ormc
