// libFuzzer target: one schema given as bytes through parse + sema + codegen, all in memory.
//
// A finding is anything a user must never see: a crash, a sanitizer report, an exception
// escaping the compiler, an "internal error" diagnostic, or a result that contradicts itself
// (errors with outputs, success without them).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "driver/in_memory.hpp"

namespace {

// The input may import itself (an import cycle) or a small valid schema it can refer to.
const char* const kCommonSchema = R"(schema common;
entity Owner {
    id: Integer primary_key;
    name: String(50) unique;
    pets: Pet[] relationship(back_populates = owner, cascade = "all, delete-orphan");
}
entity Pet {
    id: BigInteger primary_key;
    owner_id: Integer foreign_key(Owner.id, ondelete = "cascade") index;
    owner: Owner relationship(back_populates = pets);
}
)";

[[noreturn]] void finding(const char* what, const ormc::driver::InMemoryResult& result) {
  std::fprintf(stderr, "ormc fuzz finding: %s (status %d, %zu outputs)\n%s\n", what, result.status,
               result.outputs.size(), result.diagnostics.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  ormc::driver::InMemoryOptions options;
  options.ddl_postgresql = true;
  options.ddl_sqlite = true;
  options.imports = {{"common.orm", kCommonSchema}};

  const ormc::driver::InMemoryResult result = ormc::driver::compile_in_memory("fuzz.orm", text, options);

  for (const std::string& error : result.errors)
    if (error.starts_with("internal error")) finding("internal error diagnostic", result);
  if (result.status == 0 && result.outputs.empty()) finding("success without outputs", result);
  if (result.status != 0 && result.status != 1) finding("unexpected status", result);
  if (result.status == 1 && !result.outputs.empty()) finding("outputs despite errors", result);
  if (result.status == 1 && result.errors.empty()) finding("failure without an error diagnostic", result);
  return 0;
}
