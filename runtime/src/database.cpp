// ormc::connect(): URL parsing, password masking and Engine creation; Database's thin forwarding methods.
#include "ormc/database.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "connection.hpp"
#include "engine.hpp"
#include "ormc/errors.hpp"

namespace ormc {
namespace {

constexpr std::string_view kMask = "***";

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// ...?sslmode=require&password=secret -> ...?sslmode=require&password=***
std::string mask_query_password(std::string url) {
  const auto query = url.find('?');
  if (query == std::string::npos) return url;
  for (std::size_t pos = query; (pos = url.find("password=", pos)) != std::string::npos;) {
    const bool at_parameter_start = url[pos - 1] == '?' || url[pos - 1] == '&';
    pos += std::string_view("password=").size();
    if (!at_parameter_start) continue;
    const std::size_t end = std::min(url.find('&', pos), url.size());
    url.replace(pos, end - pos, kMask);
  }
  return url;
}

// postgresql://user:secret@host/db -> postgresql://user:***@host/db
std::string mask_url_password(std::string_view url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return std::string(url);
  const std::size_t authority = scheme_end + 3;
  const std::size_t authority_end = std::min(url.find_first_of("/?", authority), url.size());
  const auto at = url.rfind('@', authority_end);
  const auto colon = url.find(':', authority);
  if (at == std::string_view::npos || at < authority || colon == std::string_view::npos || colon > at) {
    return mask_query_password(std::string(url));
  }
  return mask_query_password(fmt::format("{}{}{}", url.substr(0, colon + 1), kMask, url.substr(at)));
}

// host=x password=secret -> host=x password=***  (values may be single-quoted with \-escapes)
std::string mask_keyword_password(std::string_view conninfo) {
  std::string out;
  std::size_t i = 0;
  while (i < conninfo.size()) {
    const auto key_start = conninfo.find_first_not_of(" \t\n", i);
    out.append(conninfo.substr(i, std::min(key_start, conninfo.size()) - i));
    if (key_start == std::string_view::npos) break;
    const auto eq = conninfo.find('=', key_start);
    if (eq == std::string_view::npos) {
      out.append(conninfo.substr(key_start));
      break;
    }
    std::string_view key = conninfo.substr(key_start, eq - key_start);
    while (!key.empty() && (key.back() == ' ' || key.back() == '\t')) key.remove_suffix(1);
    std::size_t v = conninfo.find_first_not_of(" \t", eq + 1);
    if (v == std::string_view::npos) v = conninfo.size();
    std::size_t end = v;
    if (end < conninfo.size() && conninfo[end] == '\'') {
      for (++end; end < conninfo.size() && conninfo[end] != '\''; ++end)
        if (conninfo[end] == '\\') ++end;
      end = std::min(end + 1, conninfo.size());
    } else {
      while (end < conninfo.size() && conninfo[end] != ' ' && conninfo[end] != '\t' && conninfo[end] != '\n') ++end;
    }
    out.append(conninfo.substr(key_start, v - key_start));
    out.append(key == "password" ? kMask : conninfo.substr(v, end - v));
    i = end;
  }
  return out;
}

// The scheme of `scheme://...` (RFC 3986: a letter, then letters, digits, + - .), or empty when
// `url` does not start with one (a key=value string may hold a URL in a value).
std::string_view url_scheme(std::string_view url) {
  const auto end = url.find("://");
  if (end == std::string_view::npos || end == 0) return {};
  const std::string_view scheme = url.substr(0, end);
  const auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  const bool ok = alpha(scheme.front()) && std::all_of(scheme.begin(), scheme.end(), [&](char c) {
                    return alpha(c) || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
                  });
  return ok ? scheme : std::string_view{};
}

struct SqliteTarget {
  std::string path;  ///< ":memory:" or a file path
  bool read_only = false;
};

// sqlite://:memory:, sqlite://, sqlite:///:memory:, sqlite:///relative.db, sqlite:////absolute.db
SqliteTarget parse_sqlite_url(std::string_view url) {
  std::string_view rest = url.substr(std::string_view("sqlite://").size());
  if (rest.empty() || rest == ":memory:" || rest == "/:memory:") return {":memory:"};
  if (rest.front() != '/') {
    throw ConnectionError(fmt::format(
        "malformed SQLite URL '{}': expected sqlite://:memory: or sqlite:///path (a SQLite URL has no host)", url));
  }
  rest.remove_prefix(1);
  if (rest.empty()) throw ConnectionError(fmt::format("malformed SQLite URL '{}': the file path is empty", url));
  bool read_only = false;
  if (const auto query = rest.find('?'); query != std::string_view::npos) {
    // The one parameter understood is SQLite's own URI spelling of a read-only open (mode=ro);
    // anything else is refused rather than ignored.
    const std::string_view parameters = rest.substr(query + 1);
    if (parameters == "mode=ro") {
      read_only = true;
    } else if (parameters != "mode=rw") {
      throw ConnectionError(fmt::format(
          "malformed SQLite URL '{}': unknown query parameters '{}' (only mode=ro or mode=rw are understood)", url,
          parameters));
    }
    rest = rest.substr(0, query);
    if (rest.empty()) throw ConnectionError(fmt::format("malformed SQLite URL '{}': the file path is empty", url));
  }
  return {std::string(rest), read_only};
}

}  // namespace

DialectKind Database::dialect() const noexcept { return engine_->kind(); }

std::string Database::url() const { return engine_->url(); }

void Database::on_statement(std::function<void(const StatementEvent&)> listener) {
  engine_->add_listener(std::move(listener));
}

void Database::clear_statement_listeners() { engine_->clear_listeners(); }

void Database::set_echo(bool echo) { engine_->set_echo(echo); }

void Database::execute_sql(const std::string& sql) {
  detail::PooledConnection conn = engine_->acquire();
  engine_->execute_script(*conn, sql);
}

Database connect(std::string_view url, ConnectOptions options) {
  if (url.empty()) throw ConnectionError("empty database URL: expected sqlite://... or postgresql://...");

  DialectKind kind;
  std::string display;
  std::size_t pool_size = options.pool_size;
  std::function<std::unique_ptr<detail::Connection>()> opener;

  if (starts_with(url, "sqlite://")) {
    SqliteTarget target = parse_sqlite_url(url);
    kind = DialectKind::SQLite;
    display = std::string(url);
    // Every new connection to :memory: would be a different, empty database.
    if (target.path == ":memory:") pool_size = 1;
    const detail::SqliteOpenOptions sqlite_options{.read_only = target.read_only, .busy_timeout = options.busy_timeout};
    opener = [path = std::move(target.path), sqlite_options] { return detail::open_sqlite(path, sqlite_options); };
  } else if (starts_with(url, "postgresql://") || starts_with(url, "postgres://")) {
    kind = DialectKind::PostgreSQL;
    display = mask_url_password(url);
    opener = [conninfo = std::string(url)] { return detail::open_postgresql(conninfo); };
  } else if (url_scheme(url).empty() && url.find('=') != std::string_view::npos) {
    // A libpq key=value connection string, passed through unchanged.
    kind = DialectKind::PostgreSQL;
    display = mask_keyword_password(url);
    opener = [conninfo = std::string(url)] { return detail::open_postgresql(conninfo); };
  } else {
    const std::string_view scheme = url_scheme(url);
    throw ConnectionError(
        scheme.empty() ? fmt::format("malformed database URL '{}': expected sqlite://..., postgresql://... or a libpq "
                                     "key=value string",
                                     mask_url_password(url))
                       : fmt::format("unknown database URL scheme '{}' in '{}': expected sqlite or postgresql", scheme,
                                     mask_url_password(url)));
  }

  auto engine = std::make_shared<detail::Engine>(display, kind, std::move(opener), pool_size, options.echo);
  try {
    // Open one connection now, so that an unreachable database fails here; for :memory: this
    // connection, kept idle in the pool, is the database.
    detail::PooledConnection first = engine->acquire();
  } catch (const ConnectionError& e) {
    throw ConnectionError(fmt::format("{} (url: {})", e.what(), display), e.sql(), e.db_message());
  }
  return Database(std::move(engine));
}

}  // namespace ormc
