# Warning and sanitizer flags applied to ormc's own targets only (never to generated ANTLR code).
add_library(ormc_warnings INTERFACE)
target_compile_options(ormc_warnings INTERFACE -Wall -Wextra -Werror)

if(ORMC_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
