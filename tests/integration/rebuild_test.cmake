# Script mode: ormc_generate() re-runs ormc exactly when an input changed — the schema, an imported
# schema (depfile), a template override, or ormc itself — and rejects unknown arguments.
# Inputs: BUILD_DIR (ormc's build tree, installed into WORK_DIR/prefix), SOURCE (tests/integration/rebuild),
# WORK_DIR, GENERATOR, CXX.
file(REMOVE_RECURSE "${WORK_DIR}")
set(PREFIX "${WORK_DIR}/prefix")
execute_process(COMMAND ${CMAKE_COMMAND} --install "${BUILD_DIR}" --prefix "${PREFIX}" RESULT_VARIABLE status OUTPUT_QUIET)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "cmake --install failed (${status})")
endif()
file(COPY "${SOURCE}/" DESTINATION "${WORK_DIR}/src")
set(build "${WORK_DIR}/build")

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "failed: ${ARGN}\n${out}\n${err}")
  endif()
  set(out "${out}" PARENT_SCOPE)
endfunction()

# Builds and reports whether ormc ran (its custom command prints "ormc: generating").
function(build_and_expect want what)
  run(${CMAKE_COMMAND} --build "${build}")
  string(FIND "${out}" "ormc: generating C++ from model/orders.orm" at)
  if(want AND at EQUAL -1)
    message(FATAL_ERROR "ormc did not re-run after ${what}:\n${out}")
  elseif(NOT want AND NOT at EQUAL -1)
    message(FATAL_ERROR "ormc re-ran although ${what}:\n${out}")
  endif()
  message(STATUS "ok: ${what}")
endfunction()

run(${CMAKE_COMMAND} -S "${WORK_DIR}/src" -B "${build}" -G "${GENERATOR}" -DCMAKE_PREFIX_PATH=${PREFIX}
    -DCMAKE_CXX_COMPILER=${CXX})
build_and_expect(TRUE "the first build")
build_and_expect(FALSE "nothing changed")

# Ninja compares timestamps: make sure edits land in a later second than the last build.
execute_process(COMMAND ${CMAKE_COMMAND} -E sleep 1.1)
file(APPEND "${WORK_DIR}/src/model/shop.orm" "// an edit of the imported schema\n")
build_and_expect(TRUE "the imported schema changed")

execute_process(COMMAND ${CMAKE_COMMAND} -E sleep 1.1)
file(WRITE "${WORK_DIR}/src/templates/header.mustache" "// overridden\n")
run(${CMAKE_COMMAND} -S "${WORK_DIR}/src" -B "${build}")  # a new override file is found at configure
execute_process(COMMAND ${CMAKE_COMMAND} --build "${build}" RESULT_VARIABLE ignored OUTPUT_QUIET ERROR_QUIET)
file(READ "${build}/ormc_generated/app/orders.orm.hpp" header)
if(NOT header STREQUAL "// overridden\n")
  message(FATAL_ERROR "the template override was not used:\n${header}")
endif()
file(REMOVE "${WORK_DIR}/src/templates/header.mustache")
run(${CMAKE_COMMAND} -S "${WORK_DIR}/src" -B "${build}")
build_and_expect(TRUE "the template override was removed")

execute_process(COMMAND ${CMAKE_COMMAND} -E sleep 1.1)
execute_process(COMMAND ${CMAKE_COMMAND} -E touch "${PREFIX}/bin/ormc")
build_and_expect(TRUE "ormc itself changed")

foreach(where before after)
  if(where STREQUAL "before")
    set(expect "ormc_generate: unknown arguments: BOGUS_OPTION")
  else()
    set(expect "ormc_generate: SCHEMAS entry 'BOGUS_OPTION' is not a .orm file")
  endif()
  execute_process(COMMAND ${CMAKE_COMMAND} -S "${WORK_DIR}/src" -B "${WORK_DIR}/bad_${where}" -G "${GENERATOR}"
                          -DCMAKE_PREFIX_PATH=${PREFIX} -DORMC_TEST_BAD_ARGUMENT=${where}
                  RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
  string(FIND "${err}" "${expect}" at)
  if(status EQUAL 0 OR at EQUAL -1)
    message(FATAL_ERROR "an unknown ormc_generate() argument (${where} SCHEMAS) was not refused:\n${err}")
  endif()
  message(STATUS "ok: an unknown argument ${where} SCHEMAS is refused")
endforeach()
