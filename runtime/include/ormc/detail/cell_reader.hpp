// Reading the cells of a result row straight into typed fields (what generated loaders call).
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>

#include "ormc/metadata.hpp"
#include "ormc/value.hpp"

namespace ormc::detail {

/// What a fast-path read found in a cell.
enum class CellRead : std::uint8_t {
  Null,   ///< the cell is NULL; `out` untouched
  Read,   ///< `out` holds the cell
  Other,  ///< stored some other way: use CellReader::get(), which converts or reports the error
};

/// A cell of the current row that the driver decoded as it stepped onto the row (SQLite's streamed
/// rows are). Reading one costs no virtual call. `bytes` points into the driver's row: valid until
/// the next row.
struct DecodedCell {
  enum class Kind : std::uint8_t { Null, Integer, Real, Text, Blob };
  Kind kind = Kind::Null;
  std::int64_t integer = 0;
  double real = 0;
  std::string_view bytes;  ///< Text or Blob content
};

/// The current row of a result, cell by cell. Implemented by each dialect's rows.
class CellReader {
 public:
  [[nodiscard]] bool is_null(std::size_t column) const {
    if (const DecodedCell* c = decoded(column)) return c->kind == DecodedCell::Kind::Null;
    return driver_is_null(column);
  }
  /// The cell decoded as `type` (NULL gives an empty Value).
  /// @throw ormc::DataError when the stored value can't be read as `type`.
  [[nodiscard]] virtual Value get(std::size_t column, Type type) const = 0;
  /// Fast paths for the commonest cells, an integer or a text: one call answers NULL, read, or
  /// "other". They exist so that a streamed row costs no Value per cell; on a decoded row they cost
  /// no virtual call either.
  [[nodiscard]] CellRead read_int64(std::size_t column, std::int64_t& out) const {
    if (const DecodedCell* c = decoded(column)) {
      if (c->kind == DecodedCell::Kind::Integer) {
        out = c->integer;
        return CellRead::Read;
      }
      return c->kind == DecodedCell::Kind::Null ? CellRead::Null : CellRead::Other;
    }
    return driver_read_int64(column, out);
  }
  [[nodiscard]] CellRead read_text(std::size_t column, std::string& out) const {
    if (const DecodedCell* c = decoded(column)) {
      if (c->kind == DecodedCell::Kind::Text) {
        // clear() + append() rather than assign(): assign() takes the general replace path, which
        // guards against an overlapping source and costs about twice as much for a short text.
        out.clear();
        out.append(c->bytes);
        return CellRead::Read;
      }
      return c->kind == DecodedCell::Kind::Null ? CellRead::Null : CellRead::Other;
    }
    return driver_read_text(column, out);
  }
  /// Cell `column` of the current row when the driver decoded the row up front, else nullptr.
  [[nodiscard]] const DecodedCell* decoded(std::size_t column) const noexcept {
    return column < decoded_.size() ? &decoded_[column] : nullptr;
  }

 protected:
  CellReader() = default;
  CellReader(const CellReader&) = default;
  CellReader& operator=(const CellReader&) = default;
  ~CellReader() = default;

  /// The readers of rows that are not decoded up front (each is called only when decoded() is null).
  [[nodiscard]] virtual bool driver_is_null(std::size_t column) const = 0;
  [[nodiscard]] virtual CellRead driver_read_int64(std::size_t column, std::int64_t& out) const = 0;
  [[nodiscard]] virtual CellRead driver_read_text(std::size_t column, std::string& out) const = 0;

  /// The current row's cells, when the driver decodes each row as it steps onto it; empty otherwise
  /// (no current row, or a driver that reads cell by cell).
  std::span<const DecodedCell> decoded_;
};

/// The value of cell `index` decoded as `column`'s type; NUMERIC is brought to the column's declared
/// scale, so "500" stored by SQLite reads back as 500.00 for Numeric(10, 2).
[[nodiscard]] inline Value read_value(const CellReader& cells, std::size_t index, const ColumnInfo& column) {
  Value v = cells.get(index, column.type);
  if (column.type == Type::Numeric && column.scale > 0 && v.holds<Decimal>())
    v = Value(v.as<Decimal>().with_scale(column.scale));
  return v;
}

template <class T>
struct IsOptional : std::false_type {};
template <class T>
struct IsOptional<std::optional<T>> : std::true_type {};

/// `x` as the integer field type T. @throw ormc::DataError when it doesn't fit.
template <class T>
[[nodiscard]] T narrow_integer(std::int64_t x) {
  if constexpr (sizeof(T) < sizeof(std::int64_t)) {
    if (x < static_cast<std::int64_t>(std::numeric_limits<T>::min()) ||
        x > static_cast<std::int64_t>(std::numeric_limits<T>::max()))
      throw_out_of_range("integer", x);
  }
  return static_cast<T>(x);
}

/// Reads cell `index` into `out` (a generated Row member). Integers and strings take the fast paths;
/// everything else, and every cell a fast path declines, goes through read_value() and from_value(),
/// so conversions and errors are exactly those of the Value path.
template <class T>
void read_field(const CellReader& cells, std::size_t index, const ColumnInfo& column, T& out) {
  if constexpr (IsOptional<T>::value) {
    using Inner = typename T::value_type;
    if constexpr (std::is_integral_v<Inner> && !std::is_same_v<Inner, bool>) {
      std::int64_t x = 0;
      switch (cells.read_int64(index, x)) {
        case CellRead::Null: out.reset(); return;
        case CellRead::Read: out = narrow_integer<Inner>(x); return;
        case CellRead::Other: break;
      }
    } else if constexpr (std::is_same_v<Inner, std::string>) {
      if (!out) out.emplace();
      switch (cells.read_text(index, *out)) {
        case CellRead::Null: out.reset(); return;
        case CellRead::Read: return;
        case CellRead::Other: break;
      }
    } else if (cells.is_null(index)) {
      out.reset();
      return;
    }
  } else if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
    std::int64_t x = 0;
    if (cells.read_int64(index, x) == CellRead::Read) {
      out = narrow_integer<T>(x);
      return;
    }
  } else if constexpr (std::is_same_v<T, std::string>) {
    if (cells.read_text(index, out) == CellRead::Read) return;
  }
  // NULL in a non-optional field, a conversion, or a type without a fast path.
  out = from_value<T>(read_value(cells, index, column));
}

}  // namespace ormc::detail
