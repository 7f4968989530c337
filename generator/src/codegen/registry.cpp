// The template registry table and the lookup of embedded or overriding template text.
#include "codegen/registry.hpp"

#include <algorithm>
#include <array>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace ormc::codegen {

struct EmbeddedTemplate {
  std::string_view name;
  std::string_view text;
};
extern const EmbeddedTemplate kEmbeddedTemplates[];
extern const unsigned kEmbeddedTemplateCount;

namespace {

constexpr std::array<TemplateSpec, 8> kRegistry = {{
    {"header", "schema", Condition::Always, "{stem}.orm.hpp"},
    {"source", "schema", Condition::Always, "{stem}.orm.cpp"},
    {"ddl_postgresql", "schema", Condition::DdlPostgresql, "{stem}.postgresql.sql"},
    {"ddl_sqlite", "schema", Condition::DdlSqlite, "{stem}.sqlite.sql"},
    {"ddl", "schema", Condition::Partial, ""},
    {"entity_class", "entity", Condition::Partial, ""},
    {"entity_source", "entity", Condition::Partial, ""},
    {"table_metadata", "table", Condition::Partial, ""},
}};

std::optional<std::string> read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

std::span<const TemplateSpec> registry() { return kRegistry; }

TemplateSource::TemplateSource(std::optional<std::filesystem::path> override_dir)
    : override_dir_(std::move(override_dir)) {}

std::string TemplateSource::text(std::string_view name) const {
  if (override_dir_) {
    if (auto text = read_file(*override_dir_ / (std::string(name) + ".mustache"))) return *text;
  }
  for (unsigned i = 0; i < kEmbeddedTemplateCount; ++i)
    if (kEmbeddedTemplates[i].name == name) return std::string(kEmbeddedTemplates[i].text);
  throw std::runtime_error("no template named '" + std::string(name) + "'");
}

std::vector<std::string> TemplateSource::overriding_files() const {
  std::vector<std::string> files;
  if (!override_dir_) return files;
  for (const auto& spec : kRegistry) {
    const auto path = *override_dir_ / (std::string(spec.name) + ".mustache");
    if (std::filesystem::exists(path)) files.push_back(path.string());
  }
  return files;
}

std::vector<std::string> TemplateSource::unknown_overrides() const {
  std::vector<std::string> unknown;
  if (!override_dir_ || !std::filesystem::is_directory(*override_dir_)) return unknown;
  for (const auto& entry : std::filesystem::directory_iterator(*override_dir_)) {
    if (entry.path().extension() != ".mustache") continue;
    const std::string name = entry.path().stem().string();
    bool known = false;
    for (const auto& spec : kRegistry) known = known || spec.name == name;
    if (!known) unknown.push_back(entry.path().string());
  }
  std::sort(unknown.begin(), unknown.end());
  return unknown;
}

}  // namespace ormc::codegen
