# clang++ only: an ANTLR umbrella header without misc/InterpreterDataReader.h, which clang rejects.
#
# Why: ANTLR 4.9's InterpreterData() {} default-initialises a dfa::Vocabulary whose `= default`
# constructor clang deletes (its `const std::vector<std::string>` members have no initialiser, and
# libstdc++'s vector() is itself `= default`, so not const-default-constructible). g++ accepts it
# (CWG 253); clang 14 does not, in C++17 and C++20 alike. Nothing in ormc or the generated parser
# uses InterpreterData, so the copy below simply leaves that one include out. The copy's own
# "quoted" includes are not found next to it and fall through to the real runtime directory.
# Input: ORMC_ANTLR4_INCLUDE_DIR and the imported target ormc_antlr4_runtime.
set(_ormc_antlr_umbrella "${ORMC_ANTLR4_INCLUDE_DIR}/antlr4-runtime.h")
set(_ormc_antlr_compat_dir "${CMAKE_BINARY_DIR}/antlr4-clang-compat")
file(READ "${_ormc_antlr_umbrella}" _ormc_antlr_text)
set(_ormc_antlr_drop "#include \"misc/InterpreterDataReader.h\"")
string(FIND "${_ormc_antlr_text}" "${_ormc_antlr_drop}" _ormc_antlr_at)
if(_ormc_antlr_at EQUAL -1)
  # A newer runtime (fixed upstream or reorganised): use it unchanged.
  message(STATUS "ormc: ${_ormc_antlr_umbrella} has no InterpreterDataReader.h include; no clang shim needed")
else()
  string(REPLACE "${_ormc_antlr_drop}" "// (left out for clang by cmake/AntlrClangCompat.cmake)"
         _ormc_antlr_text "${_ormc_antlr_text}")
  file(CONFIGURE OUTPUT "${_ormc_antlr_compat_dir}/antlr4-runtime.h" CONTENT "${_ormc_antlr_text}" @ONLY)
  # BEFORE: found ahead of the real umbrella header; SYSTEM: same warning treatment as ANTLR's own.
  target_include_directories(ormc_antlr4_runtime SYSTEM BEFORE INTERFACE "${_ormc_antlr_compat_dir}")
endif()
