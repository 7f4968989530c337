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
#include <libpq-fe.h>
#include <pqxx/pqxx>
#include <pqxx/tablewriter>

#include <poll.h>
#include <sys/socket.h>

#include <cerrno>

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <unordered_map>
#include <unordered_set>
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

/// Rows whose cells hold PostgreSQL's text forms; a subclass says where the current row's cells are.
class PgTextRows : public Rows {
 public:
  [[nodiscard]] Value get(std::size_t column, Type type) const override {
    const auto text = cell(column);
    if (!text) return Value();
    return decode(*text, column, type);
  }

 protected:
  /// The current row's cell: its text, or nullopt for NULL.
  /// @throw InvalidRequestError without a current row, or for a column out of range
  [[nodiscard]] virtual std::optional<std::string_view> cell(std::size_t column) const = 0;

 private:
  [[nodiscard]] bool driver_is_null(std::size_t column) const override { return !cell(column); }
  [[nodiscard]] CellRead driver_read_int64(std::size_t column, std::int64_t& out) const override {
    const auto text = cell(column);
    if (!text) return CellRead::Null;
    const auto v = parse_int64(*text);
    if (!v) return CellRead::Other;
    out = *v;
    return CellRead::Read;
  }
  [[nodiscard]] CellRead driver_read_text(std::size_t column, std::string& out) const override {
    const auto text = cell(column);
    if (!text) return CellRead::Null;
    out.clear();  // + append(): cheaper than assign()'s general replace path for a short text
    out.append(text->data(), text->size());
    return CellRead::Read;
  }
};

/// All rows of a pqxx result, in memory.
class PgRows final : public PgTextRows {
 public:
  explicit PgRows(pqxx::result result) : result_(std::move(result)) {}

  bool next() override {
    if (started_ && current_ < result_.size()) ++current_;
    started_ = true;
    return current_ < result_.size();
  }
  [[nodiscard]] std::size_t column_count() const override { return result_.columns(); }
  [[nodiscard]] std::uint64_t affected_rows() const override { return result_.affected_rows(); }

 private:
  [[nodiscard]] std::optional<std::string_view> cell(std::size_t column) const override {
    check_cell(started_ && current_ < result_.size(), column, result_.columns());
    const pqxx::field f = result_[static_cast<pqxx::result::size_type>(current_)][static_cast<pqxx::row::size_type>(column)];
    if (f.is_null()) return std::nullopt;
    return std::string_view(f.c_str(), f.size());
  }

  pqxx::result result_;
  std::size_t current_ = 0;
  bool started_ = false;
};

/// All rows of a libpq result (a pipelined statement's), in memory. Cells are read in place, without
/// pqxx's reference-counted row and field objects.
class PgResultRows final : public PgTextRows {
 public:
  explicit PgResultRows(PGresult* result) noexcept : result_(result) {}
  PgResultRows(const PgResultRows&) = delete;
  PgResultRows& operator=(const PgResultRows&) = delete;
  ~PgResultRows() override { PQclear(result_); }

  bool next() override {
    const auto rows = static_cast<std::size_t>(PQntuples(result_));
    if (started_ && current_ < rows) ++current_;
    started_ = true;
    return current_ < rows;
  }
  [[nodiscard]] std::size_t column_count() const override { return static_cast<std::size_t>(PQnfields(result_)); }
  [[nodiscard]] std::uint64_t affected_rows() const override {
    return std::strtoull(PQcmdTuples(result_), nullptr, 10);  // "" for statements that count nothing
  }

 private:
  [[nodiscard]] std::optional<std::string_view> cell(std::size_t column) const override {
    check_cell(started_ && current_ < static_cast<std::size_t>(PQntuples(result_)), column, column_count());
    const int row = static_cast<int>(current_);
    const int col = static_cast<int>(column);
    if (PQgetisnull(result_, row, col)) return std::nullopt;
    return std::string_view(PQgetvalue(result_, row, col), static_cast<std::size_t>(PQgetlength(result_, row, col)));
  }

  PGresult* result_;
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

// pqxx 6.4 keeps libpq's connection handle to itself; pipeline mode needs it. A connection policy
// is handed the handle when it connects, inside the connection's constructor: it leaves the handle
// in this thread's slot, which open_postgresql() empties as soon as the constructor returns.
thread_local PGconn* t_connected_handle = nullptr;

class HandleSharingConnect final : public pqxx::connect_direct {
 public:
  using connect_direct::connect_direct;
  handle do_startconnect(handle orig) override {
    handle h = connect_direct::do_startconnect(orig);
    t_connected_handle = h;
    return h;
  }
};
using PqxxConnection = pqxx::basic_connection_base<HandleSharingConnect>;

class PgConnection final : public Connection {
 public:
  /// `handle` is libpq's connection under `conn` (null: statements are never pipelined).
  PgConnection(std::unique_ptr<PqxxConnection> conn, PGconn* handle)
      : conn_(std::move(conn)), quiet_(std::make_unique<pqxx::quiet_errorhandler>(*conn_)), pg_(handle) {
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

  // libpq's pipeline mode: statement k+1 is sent (with a flush request, so that the server sends
  // each result as soon as it has it) before statement k's result is read; the last is sent with
  // the Sync that ends the pipeline. Statements whose SQL was prepared on this connection run as
  // that prepared statement, others unnamed (a PREPARE can't go through pqxx inside the pipeline).
  void execute_pipelined(std::size_t count, const std::function<PipelinedStatement(std::size_t)>& make,
                         const std::function<void(std::size_t, Rows&)>& take) override {
    if (count < 2 || pg_ == nullptr) return Connection::execute_pipelined(count, make, take);
    PipelinedStatement first = make(0);
    // The first one prepares its SQL (synchronously, through pqxx): the rest of a flush's batches
    // usually share it.
    const std::string& first_name = prepared_name(first.sql);
    guarded(first.sql, [&] {
      conn_->prepare_now(first_name);
      return 0;
    });
    prepared_now_.insert(first_name);
    if (PQenterPipelineMode(pg_) != 1) throw_libpq_error(first.sql);
    Pipeline pipeline(*this);
    std::string sent_sql[2];  // of the statements in flight: k and k + 1
    auto send = [&](std::size_t k, PipelinedStatement statement) {
      const TextParams text(statement.params, statement.sql);
      const auto& values = text.pointers();
      const int n = static_cast<int>(values.size());
      const auto found = prepared_.find(statement.sql);
      const bool prepared = found != prepared_.end() && prepared_now_.contains(found->second.name);
      const int sent = prepared ? PQsendQueryPrepared(pg_, found->second.name.c_str(), n, values.data(), nullptr, nullptr, 0)
                                : PQsendQueryParams(pg_, statement.sql.c_str(), n, nullptr, values.data(), nullptr,
                                                    nullptr, 0);
      const bool last = k + 1 == count;
      if (sent != 1 || (last ? PQpipelineSync(pg_) : PQsendFlushRequest(pg_)) != 1 || (!last && PQflush(pg_) != 0))
        throw_libpq_error(statement.sql);
      pipeline.synced = last;
      sent_sql[k % 2] = std::move(statement.sql);
    };
    send(0, std::move(first));
    for (std::size_t k = 0; k < count; ++k) {
      if (k + 1 < count) send(k + 1, make(k + 1));
      PgResultRows rows(result_of(sent_sql[k % 2]));
      take(k, rows);
    }
    pipeline.finish();
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
    prepared_now_.erase(name);
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
    } catch (const pqxx::sql_error& e) {
      throw_statement_error(e.sqlstate(), trimmed(e.what()), sql);
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

  /// While pipeline mode is on. finish() (and, after a failure, the destructor) ends it: sends the
  /// Sync if it wasn't, discards the results nobody read, and leaves pipeline mode, so that the
  /// connection is ready for its next statement.
  struct Pipeline {
    explicit Pipeline(PgConnection& c) noexcept : connection(c) {}
    Pipeline(const Pipeline&) = delete;
    Pipeline& operator=(const Pipeline&) = delete;
    ~Pipeline() {
      if (!done) connection.end_pipeline(synced);
    }
    void finish() {
      done = true;
      if (!connection.end_pipeline(synced)) connection.throw_libpq_error("");
    }
    PgConnection& connection;
    bool synced = false;
    bool done = false;
  };

  /// Returns whether the connection left pipeline mode cleanly (else it is marked lost).
  bool end_pipeline(bool synced) noexcept {
    if (broken_) {  // nothing more will come: don't wait for it
      (void)PQexitPipelineMode(pg_);
      return false;
    }
    bool ok = synced || PQpipelineSync(pg_) == 1;
    // Until the Sync's own result: each statement not read yet gives its result and a null.
    for (int nulls = 0; ok;) {
      PGresult* r = PQgetResult(pg_);
      if (r == nullptr) {
        ok = PQstatus(pg_) == CONNECTION_OK && ++nulls <= 4;  // at most two statements in flight
        continue;
      }
      const bool sync = PQresultStatus(r) == PGRES_PIPELINE_SYNC;
      PQclear(r);
      if (sync) break;
    }
    ok = PQexitPipelineMode(pg_) == 1 && ok;
    if (!ok) lost();
    return ok;
  }

  /// The next result of the pipeline (statement `sql`'s), and the null that ends it.
  /// @throw what execute() throws for the statement's failure
  PGresult* result_of(const std::string& sql) {
    PGresult* r = PQgetResult(pg_);
    if (r == nullptr) throw_libpq_error(sql);
    const ExecStatusType status = PQresultStatus(r);
    if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK) {
      if (PGresult* extra = PQgetResult(pg_)) {  // one statement, one result
        PQclear(extra);
        PQclear(r);
        throw DatabaseError(with_sql("a pipelined statement returned more than one result", sql), sql);
      }
      return r;
    }
    const char* state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    const std::string sqlstate = state != nullptr ? state : "";
    const std::string msg = trimmed(PQresultErrorMessage(r));
    PQclear(r);
    // The server gives every error a SQLSTATE; an error without one is libpq's own about the
    // connection (a closed socket shows this way before PQstatus() says so).
    if (sqlstate.empty() || PQstatus(pg_) != CONNECTION_OK) {
      lost();
      throw ConnectionError(with_sql("PostgreSQL connection lost: " + msg, sql), sql, msg);
    }
    throw_statement_error(sqlstate, msg, sql);
  }

  /// A libpq call failed outside any statement's result (sending, or the connection).
  [[noreturn]] void throw_libpq_error(const std::string& sql) {
    const std::string msg = trimmed(PQerrorMessage(pg_));
    if (PQstatus(pg_) != CONNECTION_OK) {
      lost();
      throw ConnectionError(with_sql("PostgreSQL connection lost: " + msg, sql), sql, msg);
    }
    throw DatabaseError(with_sql(msg, sql), sql, msg);
  }

  // What a failed statement throws, by its SQLSTATE (pqxx's exception classes follow the same classes).
  [[noreturn]] void throw_statement_error(const std::string& sqlstate, const std::string& msg, const std::string& sql) {
    if (sqlstate.rfind("23", 0) == 0) throw IntegrityError(with_sql(msg, sql), sql, msg, constraint_name(msg));
    if (sqlstate.rfind("22", 0) == 0) throw DataError(with_sql(msg, sql), sql, msg);
    if (is_connection_loss(sqlstate) || !conn_->is_open()) {
      lost();
      throw ConnectionError(with_sql("PostgreSQL connection lost: " + msg, sql), sql, msg);
    }
    if (is_operational(sqlstate)) throw OperationalError(with_sql(msg, sql), sql, msg);
    throw DatabaseError(with_sql(msg, sql), sql, msg);
  }

  // The transaction stays "in progress" until rollback(): a COMMIT on a lost connection must fail
  // (below, in guarded()), never look like there was nothing to commit.
  void lost() noexcept { broken_ = true; }

  std::unique_ptr<PqxxConnection> conn_;
  std::unique_ptr<pqxx::quiet_errorhandler> quiet_;  // declared after conn_: unregisters first
  PGconn* pg_;                                       // conn_'s libpq connection, for pipeline mode
  std::unordered_map<std::string, Prepared> prepared_;
  std::unordered_set<std::string> prepared_now_;     // names known to exist on the server (prepare_now)
  std::uint64_t counter_ = 0;
  std::uint64_t tick_ = 0;
  bool in_transaction_ = false;
  bool broken_ = false;
};

}  // namespace

std::unique_ptr<Connection> open_postgresql(const std::string& conninfo) {
  try {
    t_connected_handle = nullptr;
    auto conn = std::make_unique<PqxxConnection>(conninfo);
    return std::make_unique<PgConnection>(std::move(conn), std::exchange(t_connected_handle, nullptr));
  } catch (const std::exception& e) {
    const std::string msg = trimmed(e.what());
    throw ConnectionError("could not connect to PostgreSQL: " + msg, {}, msg);
  }
}

}  // namespace ormc::detail
