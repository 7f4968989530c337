# Shared by the samples' output checks (script mode, included): run_sample() runs -DSAMPLE on -DBACKEND
# (sqlite, or postgresql with the URL in $ENV{ORMC_TEST_POSTGRESQL_URL}) into ${out}, and it defines expect(N regex) /
# expect_not(N regex) over the text of step N (from its "== N." heading to the next one).
# The text of step N: from its "== N." heading to the next heading.
function(step_text number var)
  string(REGEX MATCH "\n== ${number}\\. [^\n]*\n(([^=\n][^\n]*)?\n)*" text "${out}")
  if(text STREQUAL "")
    message(FATAL_ERROR "step ${number} is missing from the output")
  endif()
  set(${var} "${text}" PARENT_SCOPE)
endfunction()

function(expect number regex)
  step_text(${number} text)
  if(NOT text MATCHES "${regex}")
    message(FATAL_ERROR "step ${number}: expected /${regex}/ in:\n${text}")
  endif()
endfunction()

function(expect_not number regex)
  step_text(${number} text)
  if(text MATCHES "${regex}")
    message(FATAL_ERROR "step ${number}: did not expect /${regex}/ in:\n${text}")
  endif()
endfunction()

# A macro, not a function: its return() (a skipped PostgreSQL run) ends the calling script.
macro(run_sample)
  set(args)
  if(BACKEND STREQUAL "postgresql")
    if("$ENV{ORMC_TEST_POSTGRESQL_URL}" STREQUAL "")
      # As the runtime tests: skipped on a developer machine, a failure under CI.
      if(DEFINED ENV{CI})
        message(FATAL_ERROR "ORMC_TEST_POSTGRESQL_URL is not set: PostgreSQL tests must run in CI")
      endif()
      # CTest's SKIP_REGULAR_EXPRESSION turns this line into a skip (cmake_language(EXIT) needs CMake 3.29).
      message("ORMC_TEST_POSTGRESQL_URL is not set: skipped")
      return()
    endif()
    set(args "$ENV{ORMC_TEST_POSTGRESQL_URL}")
  endif()

  execute_process(COMMAND ${SAMPLE} ${args} OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE status)
  message("${out}")
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "the sample exited with ${status}: ${err}")
  endif()
endmacro()

