// Test support: a throwaway PostgreSQL cluster of the test's own, so a test may stop and restart its server.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace ormc_test {

/// initdb + pg_ctl in a temporary folder (as the `postgres` user when run as root, as
/// scripts/with-postgres.sh does), on a free loopback port; removed on destruction.
class ThrowawayCluster {
 public:
  /// The newest /usr/lib/postgresql/<version>/bin holding initdb, or empty.
  static std::string find_bindir() {
    std::vector<std::filesystem::path> found;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator("/usr/lib/postgresql", ec))
      if (std::filesystem::exists(entry.path() / "bin" / "initdb")) found.push_back(entry.path() / "bin");
    if (found.empty()) return {};
    std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
      return std::stoi(a.parent_path().filename().string()) < std::stoi(b.parent_path().filename().string());
    });
    return found.back().string();
  }

  ThrowawayCluster() : bindir_(find_bindir()) {
    if (bindir_.empty()) throw std::runtime_error("PostgreSQL server binaries not found");
    char dir_template[] = "/tmp/ormc-fault-pg.XXXXXX";
    if (::mkdtemp(dir_template) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir_ = dir_template;
    try {
      if (::geteuid() == 0) run("chown postgres:postgres " + dir_);
      run(as_db_user() + bindir_ + "/initdb -D " + dir_ + "/data -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 > " +
          dir_ + "/initdb.log 2>&1");
      // Another program may take the free port before the server binds it: try a few.
      for (int attempt = 1;; ++attempt) {
        port_ = free_port();
        try {
          start();
          return;
        } catch (const std::runtime_error&) {
          if (attempt == 3) throw;
        }
      }
    } catch (...) {
      remove();
      throw;
    }
  }
  ~ThrowawayCluster() { remove(); }
  ThrowawayCluster(const ThrowawayCluster&) = delete;
  ThrowawayCluster& operator=(const ThrowawayCluster&) = delete;

  [[nodiscard]] std::string url() const {
    return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/postgres";
  }
  /// Starts the server and waits until it accepts connections.
  void start() {
    run(as_db_user() + bindir_ + "/pg_ctl -D " + dir_ + "/data -l " + dir_ + "/server.log -w -t 60 -o \"-p " +
        std::to_string(port_) + " -k " + dir_ + " -c listen_addresses=127.0.0.1 -c fsync=off\" start > /dev/null 2>&1");
  }
  /// Stops the server as a crash would (immediate mode: no checkpoint, sessions cut off).
  void stop() { run(as_db_user() + bindir_ + "/pg_ctl -D " + dir_ + "/data -m immediate -w stop > /dev/null"); }

 private:
  void remove() noexcept {
    (void)std::system((as_db_user() + bindir_ + "/pg_ctl -D " + dir_ + "/data -m immediate stop > /dev/null 2>&1").c_str());
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  static std::string as_db_user() { return ::geteuid() == 0 ? "runuser -u postgres -- " : ""; }
  static void run(const std::string& command) {
    if (std::system(command.c_str()) != 0) throw std::runtime_error("command failed: " + command);
  }
  // A port the kernel just handed out for loopback: free now, and almost surely a moment later.
  static int free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof addr;
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      if (fd >= 0) ::close(fd);
      throw std::runtime_error("no free loopback port");
    }
    ::close(fd);
    return ntohs(addr.sin_port);
  }

  std::string bindir_;
  std::string dir_;
  int port_ = 0;
};

}  // namespace ormc_test
