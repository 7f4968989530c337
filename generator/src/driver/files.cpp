// File helpers for the driver.
#include "driver/files.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace ormc::driver {
namespace {

/// Escapes a path for make/Ninja depfiles (spaces, '#', '$').
std::string escape_dep(const std::string& path) {
  std::string out;
  for (char ch : path) {
    if (ch == ' ' || ch == '#' || ch == '\\') out += '\\';
    if (ch == '$') out += '$';
    out += ch;
  }
  return out;
}

}  // namespace

std::optional<std::string> read_text_file(const std::string& path, std::string& error) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    error = "is a directory";
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = std::strerror(errno);
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    error = "read error";
    return std::nullopt;
  }
  return text.str();
}

bool write_if_changed(const std::string& path, const std::string& content, std::string& error) {
  std::string ignored;
  if (auto existing = read_text_file(path, ignored); existing && *existing == content) return true;
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) {
      error = std::string("cannot write '") + tmp + "': " + std::strerror(errno);
      return false;
    }
    out << content;
    out.flush();
    if (!out) {
      error = "cannot write '" + tmp + "'";
      return false;
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    error = "cannot rename '" + tmp + "' to '" + path + "': " + ec.message();
    std::filesystem::remove(tmp, ec);
    return false;
  }
  return true;
}

std::string depfile_text(const std::vector<std::string>& outputs, const std::vector<std::string>& inputs) {
  std::string out;
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    if (i > 0) out += ' ';
    out += escape_dep(outputs[i]);
  }
  out += ':';
  for (const auto& in : inputs) {
    out += " \\\n  ";
    out += escape_dep(in);
  }
  out += '\n';
  return out;
}

}  // namespace ormc::driver
