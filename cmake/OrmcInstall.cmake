# Installs the ormc compiler, the runtime and a CMake package config (find_package(ormc)).
include(CMakePackageConfigHelpers)

set(ORMC_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/ormc)
install(EXPORT ormcTargets NAMESPACE ormc:: DESTINATION ${ORMC_INSTALL_CMAKEDIR})
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/ormcConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/ormcConfig.cmake INSTALL_DESTINATION ${ORMC_INSTALL_CMAKEDIR})
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/ormcConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/ormcConfig.cmake ${CMAKE_CURRENT_BINARY_DIR}/ormcConfigVersion.cmake
              ${CMAKE_CURRENT_LIST_DIR}/ormc-generate.cmake
        DESTINATION ${ORMC_INSTALL_CMAKEDIR})
