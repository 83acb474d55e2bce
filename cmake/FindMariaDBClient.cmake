# FindMariaDBClient: MariaDB Connector/C (Debian: libmariadb-dev), falling back to libmysqlclient.
# Defines MariaDBClient_FOUND, MariaDBClient_INCLUDE_DIR, MariaDBClient_LIBRARY and the
# imported target MariaDBClient::MariaDBClient.
find_package(PkgConfig QUIET)
if(PkgConfig_FOUND)
  pkg_check_modules(PC_MARIADB QUIET libmariadb)
endif()
find_path(MariaDBClient_INCLUDE_DIR NAMES mysql.h
  HINTS ${PC_MARIADB_INCLUDE_DIRS}
  PATH_SUFFIXES mariadb mysql)
find_library(MariaDBClient_LIBRARY NAMES mariadb mysqlclient
  HINTS ${PC_MARIADB_LIBRARY_DIRS})
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(MariaDBClient
  REQUIRED_VARS MariaDBClient_LIBRARY MariaDBClient_INCLUDE_DIR)
if(MariaDBClient_FOUND AND NOT TARGET MariaDBClient::MariaDBClient)
  add_library(MariaDBClient::MariaDBClient UNKNOWN IMPORTED)
  set_target_properties(MariaDBClient::MariaDBClient PROPERTIES
    IMPORTED_LOCATION "${MariaDBClient_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${MariaDBClient_INCLUDE_DIR}")
endif()
mark_as_advanced(MariaDBClient_INCLUDE_DIR MariaDBClient_LIBRARY)
