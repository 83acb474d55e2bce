# Test programs whose suites register themselves (see TEST_SUITE in tests/common/runner.h).
#
# athanor_collect_suites(<target> <sources>...)
#   Adds to <target> a generated C file that calls every TEST_SUITE(id) of <sources>, in the
#   order given (regenerated when a source changes). The program's main() calls
#   test_register_collected() and then test_run().
#
# athanor_discover_tests(<target> [PREFIX <name>] [LABELS <labels>])
#   After each build, runs `<target> --list` and registers one CTest test per suite, named
#   <prefix>.<suite> (prefix defaults to the target name), each running `<target> <suite>`.
#   `ctest -N` lists them; `ctest -R <prefix>.<suite>` runs one.

set(ATHANOR_TESTS_CMAKE_DIR "${CMAKE_CURRENT_LIST_DIR}")

function(athanor_collect_suites target)
  set(out "${CMAKE_CURRENT_BINARY_DIR}/${target}_suites.c")
  set(srcs "")
  foreach(src IN LISTS ARGN)
    get_filename_component(abs "${src}" ABSOLUTE)
    list(APPEND srcs "${abs}")
  endforeach()
  string(REPLACE ";" "|" srclist "${srcs}")
  add_custom_command(OUTPUT "${out}"
    COMMAND ${CMAKE_COMMAND} "-DOUT=${out}" "-DSOURCES=${srclist}"
            -P "${ATHANOR_TESTS_CMAKE_DIR}/collect_suites.cmake"
    DEPENDS ${srcs} "${ATHANOR_TESTS_CMAKE_DIR}/collect_suites.cmake"
    COMMENT "Collecting the TEST_SUITEs of ${target}" VERBATIM)
  target_sources(${target} PRIVATE "${out}")
endfunction()

function(athanor_discover_tests target)
  cmake_parse_arguments(ARG "" "PREFIX;LABELS" "" ${ARGN})
  if(NOT ARG_PREFIX)
    set(ARG_PREFIX ${target})
  endif()
  set(out "${CMAKE_CURRENT_BINARY_DIR}/${target}_tests.cmake")
  set(inc "${CMAKE_CURRENT_BINARY_DIR}/${target}_include.cmake")
  add_custom_command(TARGET ${target} POST_BUILD
    COMMAND ${CMAKE_COMMAND} "-DEXE=$<TARGET_FILE:${target}>" "-DOUT=${out}"
            "-DPREFIX=${ARG_PREFIX}" "-DLABELS=${ARG_LABELS}"
            -P "${ATHANOR_TESTS_CMAKE_DIR}/discover_tests.cmake"
    VERBATIM)
  file(WRITE "${inc}"
    "if(EXISTS \"${out}\")\n  include(\"${out}\")\nelse()\n"
    "  add_test(${ARG_PREFIX}.NOT_BUILT ${CMAKE_COMMAND} -E false)\nendif()\n")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES "${inc}")
endfunction()
