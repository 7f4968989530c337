// Rendering: Mustache over the schema view, no HTML escaping, partials from the template source.
#include "codegen/render.hpp"

#include "codegen/ddl_view.hpp"
#include "codegen/names.hpp"
#include "codegen/view.hpp"

namespace ormc::codegen {
namespace {

namespace mu = kainjow::mustache;

std::string output_name(std::string_view pattern, const std::string& stem) {
  std::string out(pattern);
  const std::string key = "{stem}";
  if (auto pos = out.find(key); pos != std::string::npos) out.replace(pos, key.size(), stem);
  return out;
}

/// Applies the Mustache spec's "standalone tag" rule, which kainjow only partly implements: a
/// line holding nothing but a comment is dropped, and a line holding nothing but a section,
/// inverted-section, end-of-section or partial tag loses its indentation and newline, so a
/// section that renders nothing leaves no blank line behind.
std::string normalize_standalone_tags(const std::string& text) {
  std::string out;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    const std::size_t line_end = end == std::string::npos ? text.size() : end;
    const std::size_t next = end == std::string::npos ? text.size() : end + 1;
    const std::string_view line(text.data() + start, line_end - start);
    const auto first = line.find_first_not_of(" \t");
    const auto last = line.find_last_not_of(" \t");
    const bool single_tag = first != std::string_view::npos && line.substr(first, 2) == "{{" &&
                            line.substr(last - 1, 2) == "}}" && line.find("{{", first + 2) == std::string_view::npos;
    const char sigil = single_tag && first + 2 < line.size() ? line[first + 2] : '\0';
    if (single_tag && sigil == '!') {
      // dropped
    } else if (single_tag && (sigil == '#' || sigil == '^' || sigil == '/' || sigil == '>')) {
      out.append(line.substr(first, last - first + 1));
    } else {
      out.append(text, start, next - start);
    }
    start = next;
  }
  return out;
}

/// Two or more blank lines become one: sections that render nothing leave no gaps.
std::string squeeze_blank_lines(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  int newlines = 0;
  for (char ch : text) {
    newlines = ch == '\n' ? newlines + 1 : 0;
    if (newlines <= 2) out += ch;
  }
  return out;
}

/// Exactly one newline at the end of a file, however the last section of a template ended.
std::string single_final_newline(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text + '\n';
}

bool wanted(Condition condition, const RenderOptions& options) {
  switch (condition) {
    case Condition::Always: return true;
    case Condition::DdlPostgresql: return options.ddl_postgresql;
    case Condition::DdlSqlite: return options.ddl_sqlite;
    case Condition::Partial: return false;
  }
  return false;
}

}  // namespace

std::vector<OutputFile> render(const model::Schema& schema, const TemplateSource& templates,
                               const RenderOptions& options) {
  const std::string stem = names::stem(schema.source_name);
  std::string header_name;
  for (const auto& spec : registry())
    if (spec.name == "header") header_name = output_name(spec.output, stem);

  mu::data view = schema_view(schema, header_name);
  // DDL views only when asked for: planning and spelling every table is not free on big schemas.
  if (options.ddl_postgresql) view.set("ddl_postgresql", ddl_view(schema, model::SqlDialect::PostgreSQL));
  if (options.ddl_sqlite) view.set("ddl_sqlite", ddl_view(schema, model::SqlDialect::SQLite));
  // Partials are inlined into the templates that use them before parsing: kainjow re-parses a
  // partial's text at every use (once per entity), which made rendering quadratic-looking on big
  // schemas. Overrides of partials still apply: they are read from the same template source.
  std::vector<std::pair<std::string, std::string>> partials;
  for (const auto& spec : registry()) {
    if (spec.condition != Condition::Partial) continue;
    partials.emplace_back("{{> " + std::string(spec.name) + "}}", normalize_standalone_tags(templates.text(spec.name)));
  }
  auto inline_partials = [&](std::string text) {
    // Partials may use other partials: repeat until none is left (bounded: the registry is finite
    // and has no cycles; a cyclic override is cut off rather than looping).
    for (std::size_t round = 0; round < partials.size() + 1; ++round) {
      bool changed = false;
      for (const auto& [tag, body] : partials) {
        for (auto pos = text.find(tag); pos != std::string::npos; pos = text.find(tag, pos + body.size())) {
          text.replace(pos, tag.size(), body);
          changed = true;
        }
      }
      if (!changed) break;
    }
    return text;
  };

  std::vector<OutputFile> outputs;
  for (const auto& spec : registry()) {
    if (!wanted(spec.condition, options)) continue;
    mu::mustache tmpl(inline_partials(normalize_standalone_tags(templates.text(spec.name))));
    if (!tmpl.is_valid())
      throw TemplateError("template '" + std::string(spec.name) + "': " + tmpl.error_message());
    // Generated C++ must not be HTML-escaped.
    tmpl.set_custom_escape([](const std::string& s) { return s; });
    std::string content = single_final_newline(squeeze_blank_lines(tmpl.render(view)));
    if (!tmpl.is_valid())
      throw TemplateError("template '" + std::string(spec.name) + "': " + tmpl.error_message());
    outputs.push_back({output_name(spec.output, stem), std::move(content)});
  }
  return outputs;
}

}  // namespace ormc::codegen
