// Loading schema files from disk: import path resolution (importer's folder, then -I) and the walk over them.
#include "driver/loader.hpp"

#include <filesystem>

#include "driver/files.hpp"

namespace ormc::driver {
namespace {

std::string canonical_key(const std::filesystem::path& p) {
  std::error_code ec;
  auto c = std::filesystem::weakly_canonical(p, ec);
  return (ec ? p.lexically_normal() : c).string();
}

}  // namespace

DiskSource::Located DiskSource::input(const std::string& path) { return {path, canonical_key(path)}; }

std::optional<DiskSource::Located> DiskSource::locate(const std::string& import, const std::string& importer,
                                                      std::string& searched) const {
  std::error_code ec;
  const std::filesystem::path dir = std::filesystem::path(importer).parent_path();
  std::optional<std::filesystem::path> found;
  if (const auto relative = dir / import; std::filesystem::is_regular_file(relative, ec)) found = relative;
  for (auto d = import_dirs_.begin(); !found && d != import_dirs_.end(); ++d)
    if (auto candidate = std::filesystem::path(*d) / import; std::filesystem::is_regular_file(candidate, ec))
      found = std::move(candidate);
  if (found) return Located{found->lexically_normal().string(), canonical_key(*found)};
  searched = dir.empty() ? std::string(".") : dir.string();
  for (const auto& d : import_dirs_) searched += ", " + d;
  return std::nullopt;
}

std::optional<std::string> DiskSource::read(const Located& file, std::string& error) {
  return read_text_file(file.display_path, error);
}

std::shared_ptr<const model::Schema> Loader::load(const std::string& path, bool& unreadable) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    unreadable = true;
    sink_.error({}, "cannot read '" + path + "': " +
                        (std::filesystem::exists(path, ec) ? "not a regular file" : "no such file"));
    return nullptr;
  }
  return walk_.load(DiskSource::input(path), unreadable);
}

}  // namespace ormc::driver
