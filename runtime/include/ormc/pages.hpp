// Keyset pagination: session.pages(stmt, n) walks a SELECT in stable pages without OFFSET.
#pragma once

#include <cstddef>
#include <memory>
#include <utility>
#include <vector>

#include "ormc/session.hpp"
#include "ormc/statement.hpp"

namespace ormc {

namespace detail {
/// The statement for the page after `last` (or the first page when null): the statement's
/// criteria, plus "after `last`" in its order (its explicit order_by, else the relationship's or
/// entity's default order) extended by the primary key, ordered so, LIMIT `page_size`.
/// @throw ormc::InvalidRequestError when an order term is not a column of the selected entity, the
/// statement has its own limit/offset, or `last` has NULL in an order column.
[[nodiscard]] SelectData keyset_page(const SelectData& stmt, const Object* last, std::size_t page_size);
}  // namespace detail

/// Pages of a `select<T>()` (or a collection's `select()`), each at most `page_size` objects,
/// fetched by keyset: every page is one indexed range scan, however deep it is, and rows inserted
/// or deleted meanwhile never shift a page.
///
/// @code
///   for (auto& page : session.pages(account->account_transactions().select(), 500))
///     for (auto& tx : page) process(*tx);
/// @endcode
template <class T>
class Pages {
 public:
  using Page = std::vector<std::shared_ptr<T>>;

  Pages(Session& session, Select<T> stmt, std::size_t page_size)
      : session_(&session), stmt_(std::move(stmt)), page_size_(page_size) {
    if (page_size_ == 0) throw InvalidRequestError("pages(stmt, n) needs n > 0");
  }

  /// The next page; empty once every row was returned.
  [[nodiscard]] Page next() {
    if (done_) return {};
    Page page = session_->scalars(Select<T>(detail::keyset_page(stmt_.data(), last_.get(), page_size_))).all();
    if (page.size() < page_size_) done_ = true;
    if (!page.empty()) last_ = page.back();
    return page;
  }

  /// Input iteration over the pages (each page is read when the iterator advances to it).
  class iterator {
   public:
    using value_type = Page;
    using difference_type = std::ptrdiff_t;
    iterator() = default;
    explicit iterator(Pages* pages) : pages_(pages) { ++*this; }
    const Page& operator*() const noexcept { return page_; }
    const Page* operator->() const noexcept { return &page_; }
    iterator& operator++() {
      page_ = pages_->next();
      if (page_.empty()) pages_ = nullptr;
      return *this;
    }
    void operator++(int) { ++*this; }
    friend bool operator==(const iterator& a, const iterator& b) noexcept { return a.pages_ == b.pages_; }

   private:
    Pages* pages_ = nullptr;
    Page page_;
  };
  [[nodiscard]] iterator begin() { return iterator(this); }
  [[nodiscard]] iterator end() { return iterator(); }

 private:
  Session* session_;
  Select<T> stmt_;
  std::size_t page_size_;
  std::shared_ptr<T> last_;
  bool done_ = false;
};

template <class T>
Pages<T> Session::pages(const Select<T>& stmt, std::size_t page_size) {
  return Pages<T>(*this, stmt, page_size);
}

}  // namespace ormc
