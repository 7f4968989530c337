# Script mode: compiling SOURCE with DEFINE must fail, and the compiler must print EXPECT.
execute_process(
  COMMAND ${CXX} -std=c++20 -fsyntax-only -D${DEFINE} -I${RUNTIME_INCLUDE} -I${GENERATED} ${SOURCE}
  RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(status EQUAL 0)
  message(FATAL_ERROR "${SOURCE} with ${DEFINE} compiled, but it must not")
endif()
string(FIND "${err}" "${EXPECT}" found)
if(found EQUAL -1)
  message(FATAL_ERROR "the compiler's error does not say '${EXPECT}':\n${err}")
endif()
message(STATUS "refused as expected: ${EXPECT}")
