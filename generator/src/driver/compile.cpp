// The ormc pipeline: every input is loaded, checked and rendered; all diagnostics print at the end.
#include "driver/compile.hpp"

#include <filesystem>
#include <iostream>

#include "codegen/registry.hpp"
#include "codegen/render.hpp"
#include "diag/diagnostic.hpp"
#include "driver/files.hpp"
#include "driver/loader.hpp"

#ifndef ORMC_VERSION
#define ORMC_VERSION "0.0.0"
#endif

namespace ormc::driver {

int run(const Options& options, std::ostream& out, std::ostream& err) {
  if (options.show_help) {
    print_help(out);
    return 0;
  }
  if (options.show_version) {
    out << "ormc " << ORMC_VERSION << "\n";
    return 0;
  }
  if (options.templates_dir && !std::filesystem::is_directory(*options.templates_dir)) {
    err << "ormc: error: --templates '" << *options.templates_dir << "' is not a directory\n";
    return 2;
  }
  const codegen::TemplateSource templates(options.templates_dir
                                               ? std::optional<std::filesystem::path>(*options.templates_dir)
                                               : std::nullopt);
  for (const auto& unknown : templates.unknown_overrides())
    err << "ormc: warning: template override '" << unknown << "' matches no built-in template\n";

  diag::Sink sink;
  Loader loader(options.import_dirs, sink);
  bool unreadable_input = false;
  std::vector<std::pair<std::string, std::shared_ptr<const model::Schema>>> schemas;
  for (const auto& input : options.inputs) {
    bool unreadable = false;
    auto schema = loader.load(input, unreadable);
    unreadable_input = unreadable_input || unreadable;
    schemas.emplace_back(input, std::move(schema));
  }

  std::vector<std::string> written;
  int status = 0;
  if (sink.error_count() == 0 && !options.check_only) {
    codegen::RenderOptions render_options{.ddl_postgresql = options.ddl_postgresql, .ddl_sqlite = options.ddl_sqlite};
    std::error_code ec;
    std::filesystem::create_directories(options.out_dir, ec);
    for (const auto& [input, schema] : schemas) {
      std::vector<codegen::OutputFile> outputs;
      try {
        outputs = codegen::render(*schema, templates, render_options);
      } catch (const std::exception& e) {
        err << "ormc: error: " << e.what() << "\n";
        status = 1;
        continue;
      }
      for (const auto& file : outputs) {
        const std::string path = (std::filesystem::path(options.out_dir) / file.name).string();
        std::string error;
        if (!write_if_changed(path, file.content, error)) {
          err << "ormc: error: " << error << "\n";
          status = 1;
        }
        written.push_back(path);
      }
    }
  }
  sink.print(err);
  if (sink.error_count() > 0) status = unreadable_input && sink.error_count() == 1 ? 2 : 1;

  if (options.depfile && status == 0) {
    std::vector<std::string> inputs = loader.files_read();
    for (const auto& t : templates.overriding_files()) inputs.push_back(t);
    std::string error;
    if (!write_if_changed(*options.depfile, depfile_text(written, inputs), error)) {
      err << "ormc: error: " << error << "\n";
      status = 1;
    }
  }
  return status;
}

int main_entry(int argc, const char* const* argv) {
  try {
    auto options = parse_command_line(argc, argv, std::cerr);
    if (!options) return 2;
    return run(*options, std::cout, std::cerr);
  } catch (const std::exception& e) {
    // Any escape here is an ormc bug; still never crash with an unhandled exception.
    std::cerr << "ormc: internal error: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace ormc::driver
