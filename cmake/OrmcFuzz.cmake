# The ORMC_FUZZ build: clang++ only, the generator libraries plus tests/fuzz, under libFuzzer + ASan + UBSan.
if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "ormc: ORMC_FUZZ=ON needs clang++ (libFuzzer): configure with -DCMAKE_CXX_COMPILER=clang++-14")
endif()
if(ORMC_SANITIZE)
  message(FATAL_ERROR "ormc: ORMC_FUZZ=ON already enables ASan/UBSan; leave ORMC_SANITIZE off")
endif()
# fuzzer-no-link: coverage instrumentation in every library (the generated ANTLR parser too);
# UB aborts so that libFuzzer records it as a crash with its input.
add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
                    -fno-omit-frame-pointer)
add_link_options(-fsanitize=address,undefined)
add_subdirectory(generator)
add_subdirectory(tests/fuzz)
