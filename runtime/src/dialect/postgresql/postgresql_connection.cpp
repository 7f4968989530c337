// Connection and Rows over libpqxx 6.4: explicit transaction statements, prepared statements, text-format values.
//
// Transactions: every statement runs through a short-lived pqxx::nontransaction, and the session's
// BEGIN / COMMIT / ROLLBACK / SAVEPOINT are plain SQL statements. pqxx::work and pqxx::subtransaction
// were not used because (1) their lifetimes are C++ scopes, while the Connection interface is
// imperative (begin() here, commit() later, savepoints released or rolled back by name in any
// order the session's nesting needs); (2) a pqxx transaction object that saw an error refuses all
// further statements, whereas after ROLLBACK TO SAVEPOINT the same transaction must go on; and
// (3) prepared statements are session-level in PostgreSQL — neither COMMIT nor ROLLBACK touches
// them — so preparing through a nontransaction inside an explicit BEGIN is exactly right.
// Automatic reactivation of a broken connection (a pqxx 6 feature) is switched off: it would
// silently continue the session's transaction in autocommit mode on a fresh connection.
#include <pqxx/pqxx>
#include <pqxx/tablewriter>

#include <poll.h>
#include <sys/socket.h>

#include <cerrno>

#include <algorithm>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>

#include "connection.hpp"
#include "ormc/errors.hpp"
#include "dialect/postgresql/postgresql_text.hpp"
#include "value_text.hpp"

namespace ormc::detail {
namespace {

// Prepared statements kept per connection (server memory is per session); see the SQLite driver.
constexpr std::size_t kMaxPreparedStatements = 256;

std::string trimmed(std::string_view s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.remove_suffix(1);
  return std::string(s);
}

std::string with_sql(std::string_view message, std::string_view sql) {
  return sql.empty() ? std::string(message) : fmt::format("{}\n[SQL: {}]", message, sql);
}

// PostgreSQL names the violated constraint in its message: ... violates unique constraint "name".
std::string constraint_name(std::string_view message) {
  constexpr std::string_view marker = "constraint \"";
  const auto start = message.find(marker);
  if (start == std::string_view::npos) return {};
  const auto name = start + marker.size();
  const auto end = message.find('"', name);
  if (end == std::string_view::npos) return {};
  return std::string(message.substr(name, end - name));
}

// SQLSTATE class 08 (connection exception) and 57P01..57P03 (the server shut the session down).
bool is_connection_loss(const std::string& sqlstate) {
  return sqlstate.rfind("08", 0) == 0 || sqlstate == "57P01" || sqlstate == "57P02" || sqlstate == "57P03";
}

// Failures of the moment rather than of the statement (SQLAlchemy's OperationalError): serialization
// failure and deadlock (class 40), lock not available, statement canceled or timed out, and
// insufficient resources (class 53: disk full, out of memory, too many connections).
bool is_operational(const std::string& sqlstate) {
  return sqlstate.rfind("40", 0) == 0 || sqlstate.rfind("53", 0) == 0 || sqlstate == "55P03" || sqlstate == "57014";
}

[[noreturn]] void throw_decode_error(std::size_t column, std::string_view text, Type type) {
  static constexpr const char* type_names[] = {"SmallInteger", "Integer", "BigInteger", "Boolean", "Float",
                                               "Double",       "Numeric", "String",     "Text",    "Date",
                                               "DateTime",     "Uuid",    "LargeBinary"};
  throw DataError(fmt::format("cannot read column {} (PostgreSQL text '{}') as {}", column, text.substr(0, 60),
                              type_names[static_cast<int>(type)]));
}

Value decode(std::string_view text, std::size_t column, Type type) {
  const auto fail = [&]() -> Value { throw_decode_error(column, text, type); };
  switch (type) {
    case Type::SmallInteger:
    case Type::Integer:
    case Type::BigInteger:
      if (auto v = parse_int64(text)) return Value(*v);
      return fail();
    case Type::Boolean:
      if (text == "t" || text == "true" || text == "1") return Value(true);
      if (text == "f" || text == "false" || text == "0") return Value(false);
      return fail();
    case Type::Float:
    case Type::Double:
      if (auto v = parse_double(text)) return Value(*v);
      return fail();
    case Type::Numeric: try { return Value(Decimal(text));
      } catch (const DataError&) {
        return fail();  // NaN, or a column that is not numeric
      }
    case Type::String:
    case Type::Text: return Value(std::string(text));
    case Type::Date:
      if (auto d = parse_date(text)) return Value(*d);
      return fail();
    case Type::DateTime:
      if (auto t = parse_timestamp(text)) return Value(*t);
      return fail();
    case Type::Uuid: try { return Value(Uuid::parse(text));
      } catch (const DataError&) {
        return fail();
      }
    case Type::LargeBinary:
      // bytea_output is set to hex on every connection (see the dialect's connection_setup).
      if (text.substr(0, 2) == "\\x") {
        if (auto b = hex_decode(text.substr(2))) return Value(std::move(*b));
      }
      return fail();
  }
  return fail();
}

/// All rows of a result, in memory.
class PgRows final : public Rows {
 public:
  explicit PgRows(pqxx::result result) : result_(std::move(result)) {}

  bool next() override {
    if (started_ && current_ < result_.size()) ++current_;
    started_ = true;
    return current_ < result_.size();
  }
  [[nodiscard]] std::size_t column_count() const override { return result_.columns(); }
  [[nodiscard]] Value get(std::size_t column, Type type) const override {
    const pqxx::field f = field(column);
    if (f.is_null()) return Value();
    return decode(std::string_view(f.c_str(), f.size()), column, type);
  }
  [[nodiscard]] std::uint64_t affected_rows() const override { return result_.affected_rows(); }

 private:
  [[nodiscard]] bool driver_is_null(std::size_t column) const override { return field(column).is_null(); }
  [[nodiscard]] CellRead driver_read_int64(std::size_t column, std::int64_t& out) const override {
    const pqxx::field f = field(column);
    if (f.is_null()) return CellRead::Null;
    const auto v = parse_int64(std::string_view(f.c_str(), f.size()));
    if (!v) return CellRead::Other;
    out = *v;
    return CellRead::Read;
  }
  [[nodiscard]] CellRead driver_read_text(std::size_t column, std::string& out) const override {
    const pqxx::field f = field(column);
    if (f.is_null()) return CellRead::Null;
    out.clear();  // + append(): cheaper than assign()'s general replace path for a short text
    out.append(f.c_str(), f.size());
    return CellRead::Read;
  }
  pqxx::field field(std::size_t column) const {
    if (!started_ || current_ >= result_.size()) throw InvalidRequestError("no current row: call next() first");
    if (column >= result_.columns()) {
      throw InvalidRequestError(
          fmt::format("result column {} out of range: the row has {} columns", column, result_.columns()));
    }
    return result_[static_cast<pqxx::result::size_type>(current_)][static_cast<pqxx::row::size_type>(column)];
  }

  pqxx::result result_;
  std::size_t current_ = 0;
  bool started_ = false;
};

/// The text of each parameter (PostgreSQL infers the types), and a null pointer for NULL: pqxx 6.4's
/// dynamic parameters send a `const char*` that is null as a real SQL NULL.
class TextParams {
 public:
  TextParams(std::span<const Value> params, const std::string& sql) {
    owned_.reserve(params.size());
    pointers_.reserve(params.size());
    for (std::size_t i = 0; i < params.size(); ++i) pointers_.push_back(text_of(i, params[i], sql));
  }
  [[nodiscard]] const std::vector<const char*>& pointers() const noexcept { return pointers_; }

 private:
  const char* own(std::string s) { return owned_.emplace_back(std::move(s)).c_str(); }

  const char* text_of(std::size_t i, const Value& v, const std::string& sql) {
    if (v.is_null()) return nullptr;
    if (!has_text_form(v)) throw_no_text_form(fmt::format("parameter {}", i + 1), v, sql);
    if (v.holds<std::string>()) return v.as<std::string>().c_str();  // sent as it is: no copy
    if (v.holds<bool>()) return v.as<bool>() ? "true" : "false";
    std::string text;
    append_text(text, v);
    return own(std::move(text));
  }

  std::vector<std::string> owned_;  // reserved up front: the pointers into it stay valid
  std::vector<const char*> pointers_;
};

/// COPY's text format, one line per row: fields escaped (backslash, tab, newline, carriage return),
/// tab-separated, `\N` for NULL; the same text forms as TextParams. Rows accumulate in one buffer
/// that is sent about 64 KiB at a time: COPY data is a byte stream, so a message may hold many lines,
/// and one PQputCopyData per batch costs less than one per row.
class CopyLines {
 public:
  /// What TextParams would refuse, refused before any row is sent. @throw ormc::DataError
  static void check(std::size_t column, const Value& v, const std::string& sql) {
    if (!has_text_form(v)) throw_no_text_form(fmt::format("column {}", column + 1), v, sql);
  }

  static constexpr std::size_t kBatchBytes = 64 * 1024;

  /// Appends one row's line.
  void add(std::span<const Value> row) {
    if (!line_.empty()) line_ += '\n';
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (i > 0) line_ += '\t';
      field(row[i]);
    }
  }
  [[nodiscard]] bool full() const noexcept { return line_.size() >= kBatchBytes; }
  /// The lines so far, without the last newline (the writer adds it), and starts a new batch.
  template <class Writer>
  void send(Writer& writer) {
    if (line_.empty()) return;
    writer.write_raw_line(line_);
    line_.clear();
  }

 private:
  void field(const Value& v) {
    if (v.is_null()) {
      line_ += "\\N";
    } else if (v.holds<std::string>()) {
      escaped(v.as<std::string>());
    } else if (v.holds<Bytes>()) {
      text_.clear();
      append_text(text_, v);
      escaped(text_);  // the backslash of bytea's `\x`
    } else {
      append_text(line_, v);  // digits, ISO forms: nothing to escape
    }
  }
  void escaped(std::string_view s) {
    for (const char c : s) {
      switch (c) {
        case '\\': line_ += "\\\\"; break;
        case '\t': line_ += "\\t"; break;
        case '\n': line_ += "\\n"; break;
        case '\r': line_ += "\\r"; break;
        default: line_ += c;
      }
    }
  }

  std::string line_;
  std::string text_;  // one field's text form, reused
};

class PgConnection final : public Connection {
 public:
  explicit PgConnection(std::unique_ptr<pqxx::connection> conn)
      : conn_(std::move(conn)), quiet_(std::make_unique<pqxx::quiet_errorhandler>(*conn_)) {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    conn_->inhibit_reactivation(true);
#pragma GCC diagnostic pop
  }

  [[nodiscard]] DialectKind dialect() const noexcept override { return DialectKind::PostgreSQL; }

  void begin() override {
    if (in_transaction_) throw InvalidRequestError("begin(): a transaction is already in progress");
    run("BEGIN");
    in_transaction_ = true;
  }
  void commit() override {
    if (!in_transaction_) throw InvalidRequestError("commit(): no transaction is in progress");
    // A session the server has already ended (its FATAL message waits on the socket) took the
    // transaction with it: report that for certain, rather than send COMMIT into a closed socket
    // and leave the caller unsure whether it was committed. alive() marks the connection lost.
    (void)alive();
    in_transaction_ = false;  // COMMIT ends the transaction even when it fails
    run("COMMIT");
  }
  // The server discards the transaction of a lost connection, so there is nothing to roll back then.
  void rollback() override {
    if (!in_transaction_ || broken_) {
      in_transaction_ = false;
      return;
    }
    in_transaction_ = false;
    run("ROLLBACK");
  }
  void savepoint(const std::string& name) override { run("SAVEPOINT " + savepoint_name(name)); }
  void release_savepoint(const std::string& name) override { run("RELEASE SAVEPOINT " + savepoint_name(name)); }
  void rollback_to_savepoint(const std::string& name) override { run("ROLLBACK TO SAVEPOINT " + savepoint_name(name)); }
  [[nodiscard]] bool in_transaction() const noexcept override { return in_transaction_; }

  std::unique_ptr<Rows> execute(const std::string& sql, std::span<const Value> params) override {
    const TextParams text(params, sql);
    const std::string& name = prepared_name(sql);
    return guarded(sql, [&] {
      pqxx::nontransaction tx(*conn_);
      pqxx::result r = tx.exec_prepared(name, pqxx::prepare::make_dynamic_params(text.pointers()));
      tx.commit();
      return std::make_unique<PgRows>(std::move(r));
    });
  }

  void execute_script(const std::string& sql) override { run(sql); }

  std::uint64_t copy_in(const std::string& sql, const std::string& table, const std::vector<std::string>& columns,
                        std::span<const Value> values) override {
    const std::size_t width = columns.size();
    // Every value is checked before the COPY starts: pqxx 6.4's stream_to completes the COPY when
    // destroyed, so an error thrown between rows would leave the rows before it written.
    for (std::size_t i = 0; i < values.size(); ++i) CopyLines::check(i % width, values[i], sql);
    return guarded(sql, [&] {
      pqxx::nontransaction tx(*conn_);  // inside the Session's BEGIN, like every statement here
      // pqxx 6.4's stream_to takes only fixed-size tuples; tablewriter (deprecated in favour of it)
      // is the one that takes a whole line, which we build and escape ourselves.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
      pqxx::tablewriter copy(tx, table, columns.begin(), columns.end());
#pragma GCC diagnostic pop
      CopyLines lines;
      for (std::size_t first = 0; first < values.size(); first += width) {
        lines.add(values.subspan(first, width));
        if (lines.full()) lines.send(copy);
      }
      lines.send(copy);
      copy.complete();
      tx.commit();
      return static_cast<std::uint64_t>(values.size() / width);
    });
  }

  [[nodiscard]] bool broken() const noexcept override { return broken_; }

  // An idle connection has nothing to read, so a readable socket means the server spoke unasked.
  // A terminated session (pg_terminate_backend, server shutdown or restart) sends an ErrorResponse
  // ('E', FATAL) and closes: seen by peeking at the first byte, without a round trip. A notice, a
  // notification or a parameter change ('N', 'A', 'S') is harmless and consumed; anything else
  // (an end of stream, a TLS record that can't be peeked into) is treated as dead — reconnecting
  // costs less than a Session failing on its first statement.
  bool alive() noexcept override {
    if (broken_) return false;
    pollfd watched{conn_->sock(), POLLIN, 0};
    if (watched.fd < 0) {
      lost();
      return false;
    }
    if (::poll(&watched, 1, 0) <= 0) return true;  // quiet (or EINTR: the next statement will tell)
    char first = 0;
    const ssize_t n = ::recv(watched.fd, &first, 1, MSG_PEEK | MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return true;
    if (n != 1 || (first != 'N' && first != 'A' && first != 'S')) {
      lost();
      return false;
    }
    try {
      conn_->get_notifs();  // consumes the message
    } catch (...) {
      lost();
    }
    if (!conn_->is_open()) lost();
    return !broken_;
  }

 private:
  struct Prepared {
    std::string name;
    std::uint64_t last_used = 0;
  };

  static std::string savepoint_name(const std::string& name) {
    const bool ok = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    });
    if (!ok) throw InvalidRequestError(fmt::format("invalid savepoint name '{}'", name));
    return '"' + name + '"';
  }

  void run(const std::string& sql) {
    guarded(sql, [&] {
      pqxx::nontransaction tx(*conn_);
      tx.exec(sql);
      tx.commit();
      return 0;
    });
  }

  // Statements are prepared once per connection under names s1, s2, ... (pqxx sends the PREPARE
  // lazily, on first execution, and retries it if that failed).
  const std::string& prepared_name(const std::string& sql) {
    ++tick_;
    if (auto it = prepared_.find(sql); it != prepared_.end()) {
      it->second.last_used = tick_;
      return it->second.name;
    }
    evict_if_full();
    std::string name = fmt::format("s{}", ++counter_);
    guarded(sql, [&] {
      conn_->prepare(name, sql);
      return 0;
    });
    Prepared& p = prepared_[sql];
    p = Prepared{std::move(name), tick_};
    return p.name;
  }

  // DEALLOCATE is only sent between transactions: inside one that already failed, the server
  // would reject it, so the cache may exceed its bound until the transaction ends.
  void evict_if_full() {
    if (prepared_.size() < kMaxPreparedStatements || in_transaction_ || broken_) return;
    const auto victim = std::min_element(prepared_.begin(), prepared_.end(), [](const auto& a, const auto& b) {
      return a.second.last_used < b.second.last_used;
    });
    const std::string name = victim->second.name;
    prepared_.erase(victim);
    guarded("DEALLOCATE " + name, [&] {
      conn_->unprepare(name);
      return 0;
    });
  }

  // Runs `f`, translating pqxx's exceptions into ormc's and noticing a lost connection.
  template <class F>
  auto guarded(const std::string& sql, F&& f) -> decltype(f()) {
    if (broken_) {
      throw ConnectionError(
          with_sql("the PostgreSQL connection was lost earlier: the server rolled back its transaction", sql), sql);
    }
    try {
      return f();
    } catch (const Error&) {
      throw;
    } catch (const pqxx::broken_connection& e) {
      lost();
      const std::string msg = trimmed(e.what());
      throw ConnectionError(with_sql("PostgreSQL connection lost: " + msg, sql), sql, msg);
    } catch (const pqxx::transaction_rollback& e) {
      // Serialization failure, deadlock (pqxx reports class 40 outside sql_error).
      const std::string msg = trimmed(e.what());
      throw OperationalError(with_sql(msg, sql), sql, msg);
    } catch (const pqxx::integrity_constraint_violation& e) {
      const std::string msg = trimmed(e.what());
      throw IntegrityError(with_sql(msg, sql), sql, msg, constraint_name(msg));
    } catch (const pqxx::data_exception& e) {
      const std::string msg = trimmed(e.what());
      throw DataError(with_sql(msg, sql), sql, msg);
    } catch (const pqxx::sql_error& e) {
      const std::string msg = trimmed(e.what());
      if (is_connection_loss(e.sqlstate()) || !conn_->is_open()) {
        lost();
        throw ConnectionError(with_sql("PostgreSQL connection lost: " + msg, sql), sql, msg);
      }
      if (is_operational(e.sqlstate())) throw OperationalError(with_sql(msg, sql), sql, msg);
      throw DatabaseError(with_sql(msg, sql), sql, msg);
    } catch (const std::exception& e) {
      // pqxx::failure outside sql_error (in_doubt_error, transaction_rollback, ...) and usage errors.
      const std::string msg = trimmed(e.what());
      if (!conn_->is_open()) {
        lost();
        throw ConnectionError(with_sql("PostgreSQL connection lost: " + msg, sql), sql, msg);
      }
      throw DatabaseError(with_sql(msg, sql), sql, msg);
    }
  }

  // The transaction stays "in progress" until rollback(): a COMMIT on a lost connection must fail
  // (below, in guarded()), never look like there was nothing to commit.
  void lost() noexcept { broken_ = true; }

  std::unique_ptr<pqxx::connection> conn_;
  std::unique_ptr<pqxx::quiet_errorhandler> quiet_;  // declared after conn_: unregisters first
  std::unordered_map<std::string, Prepared> prepared_;
  std::uint64_t counter_ = 0;
  std::uint64_t tick_ = 0;
  bool in_transaction_ = false;
  bool broken_ = false;
};

}  // namespace

std::unique_ptr<Connection> open_postgresql(const std::string& conninfo) {
  try {
    return std::make_unique<PgConnection>(std::make_unique<pqxx::connection>(conninfo));
  } catch (const std::exception& e) {
    const std::string msg = trimmed(e.what());
    throw ConnectionError("could not connect to PostgreSQL: " + msg, {}, msg);
  }
}

}  // namespace ormc::detail
