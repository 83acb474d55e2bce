# FindLibPQ: the PostgreSQL client library (Debian: libpq-dev), client headers only.
# Defines LibPQ_FOUND, LibPQ_INCLUDE_DIR, LibPQ_LIBRARY and the imported target LibPQ::LibPQ.
find_package(PkgConfig QUIET)
if(PkgConfig_FOUND)
  pkg_check_modules(PC_LIBPQ QUIET libpq)
endif()
find_path(LibPQ_INCLUDE_DIR NAMES libpq-fe.h
  HINTS ${PC_LIBPQ_INCLUDE_DIRS}
  PATH_SUFFIXES postgresql pgsql)
find_library(LibPQ_LIBRARY NAMES pq HINTS ${PC_LIBPQ_LIBRARY_DIRS})
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(LibPQ REQUIRED_VARS LibPQ_LIBRARY LibPQ_INCLUDE_DIR)
if(LibPQ_FOUND AND NOT TARGET LibPQ::LibPQ)
  add_library(LibPQ::LibPQ UNKNOWN IMPORTED)
  set_target_properties(LibPQ::LibPQ PROPERTIES
    IMPORTED_LOCATION "${LibPQ_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${LibPQ_INCLUDE_DIR}")
endif()
mark_as_advanced(LibPQ_INCLUDE_DIR LibPQ_LIBRARY)
