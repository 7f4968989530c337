# ormc_generate(): runs the ormc compiler on .orm schemas and adds the generated C++ to a target.
#
#   ormc_generate(TARGET app SCHEMAS model/bank.orm [model/other.orm ...]
#                 [IMPORT_DIRS dir ...] [OUT_DIR dir] [DDL postgresql sqlite] [TEMPLATES dir])
#
# For each schema NAME.orm it generates NAME.orm.hpp / NAME.orm.cpp into OUT_DIR (default
# ${CMAKE_CURRENT_BINARY_DIR}/ormc_generated/<target>), adds the .cpp to TARGET, OUT_DIR to its
# include path and links ormc::runtime. ormc re-runs when a schema, an imported schema (through
# a depfile), a template override or ormc itself changes. Unknown arguments are an error.
include_guard(GLOBAL)

function(ormc_generate)
  cmake_parse_arguments(PARSE_ARGV 0 ARG "" "TARGET;OUT_DIR;TEMPLATES" "SCHEMAS;IMPORT_DIRS;DDL")
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "ormc_generate: unknown arguments: ${ARG_UNPARSED_ARGUMENTS}")
  endif()
  if(ARG_KEYWORDS_MISSING_VALUES)
    message(FATAL_ERROR "ormc_generate: missing values for: ${ARG_KEYWORDS_MISSING_VALUES}")
  endif()
  if(NOT ARG_TARGET)
    message(FATAL_ERROR "ormc_generate: TARGET is required")
  endif()
  if(NOT TARGET ${ARG_TARGET})
    message(FATAL_ERROR "ormc_generate: '${ARG_TARGET}' is not a target")
  endif()
  if(NOT ARG_SCHEMAS)
    message(FATAL_ERROR "ormc_generate: SCHEMAS is required")
  endif()
  # A misspelt option after SCHEMAS would be taken for a schema: catch it here, by name.
  foreach(schema IN LISTS ARG_SCHEMAS)
    if(NOT schema MATCHES "\\.orm$")
      message(FATAL_ERROR "ormc_generate: SCHEMAS entry '${schema}' is not a .orm file (an unknown argument?)")
    endif()
  endforeach()
  foreach(dialect IN LISTS ARG_DDL)
    if(NOT dialect MATCHES "^(postgresql|sqlite)$")
      message(FATAL_ERROR "ormc_generate: DDL takes postgresql and/or sqlite, not '${dialect}'")
    endif()
  endforeach()
  if(NOT ARG_OUT_DIR)
    set(ARG_OUT_DIR "${CMAKE_CURRENT_BINARY_DIR}/ormc_generated/${ARG_TARGET}")
  endif()
  cmake_path(ABSOLUTE_PATH ARG_OUT_DIR BASE_DIRECTORY "${CMAKE_CURRENT_BINARY_DIR}" NORMALIZE)

  # The compiler: the in-tree target, or the installed executable target from the package.
  if(TARGET ormc::ormc)
    set(compiler ormc::ormc)
  elseif(TARGET ormc)
    set(compiler ormc)
  else()
    message(FATAL_ERROR "ormc_generate: the ormc compiler target is not defined (find_package(ormc) first)")
  endif()

  set(common_args -o "${ARG_OUT_DIR}")
  set(import_deps "")
  foreach(dir IN LISTS ARG_IMPORT_DIRS)
    cmake_path(ABSOLUTE_PATH dir BASE_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}" NORMALIZE OUTPUT_VARIABLE abs_dir)
    list(APPEND common_args -I "${abs_dir}")
  endforeach()
  foreach(dialect IN LISTS ARG_DDL)
    list(APPEND common_args --ddl ${dialect})
  endforeach()
  set(template_deps "")
  if(ARG_TEMPLATES)
    cmake_path(ABSOLUTE_PATH ARG_TEMPLATES BASE_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}" NORMALIZE)
    list(APPEND common_args --templates "${ARG_TEMPLATES}")
    file(GLOB template_deps CONFIGURE_DEPENDS "${ARG_TEMPLATES}/*.mustache")
  endif()

  set(generated_sources "")
  foreach(schema IN LISTS ARG_SCHEMAS)
    cmake_path(ABSOLUTE_PATH schema BASE_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}" NORMALIZE OUTPUT_VARIABLE abs_schema)
    cmake_path(GET abs_schema STEM LAST_ONLY stem)
    set(outputs "${ARG_OUT_DIR}/${stem}.orm.hpp" "${ARG_OUT_DIR}/${stem}.orm.cpp")
    foreach(dialect IN LISTS ARG_DDL)
      list(APPEND outputs "${ARG_OUT_DIR}/${stem}.${dialect}.sql")
    endforeach()
    set(depfile "${ARG_OUT_DIR}/${stem}.orm.d")
    add_custom_command(
      OUTPUT ${outputs}
      COMMAND ${compiler} ${common_args} --depfile "${depfile}" "${abs_schema}"
      DEPENDS "${abs_schema}" ${compiler} ${template_deps}
      DEPFILE "${depfile}"
      COMMENT "ormc: generating C++ from ${schema}"
      VERBATIM)
    list(APPEND generated_sources "${ARG_OUT_DIR}/${stem}.orm.cpp" "${ARG_OUT_DIR}/${stem}.orm.hpp")
  endforeach()

  target_sources(${ARG_TARGET} PRIVATE ${generated_sources})
  target_include_directories(${ARG_TARGET} PRIVATE "${ARG_OUT_DIR}")
  target_link_libraries(${ARG_TARGET} PRIVATE ormc::runtime)
endfunction()
