# Helpers that keep every library and tool CMakeLists.txt to a few lines.

# cad_add_library(name SOURCES ... LIBS ...): a static library under lib/ whose
# headers are included as "<folder>/<file>.h" from lib/.
function(cad_add_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  if(ARG_SOURCES)
    add_library(${name} STATIC ${ARG_SOURCES})
    target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR}/lib)
    target_link_libraries(${name} PUBLIC ${ARG_LIBS})
    set_target_properties(${name} PROPERTIES POSITION_INDEPENDENT_CODE ON)
  else()  # headers only so far
    add_library(${name} INTERFACE)
    target_include_directories(${name} INTERFACE ${PROJECT_SOURCE_DIR}/lib)
    target_link_libraries(${name} INTERFACE ${ARG_LIBS})
  endif()
endfunction()

# cad_add_tool(name SOURCES ... LIBS ...): a binary in build/bin/.
function(cad_add_tool name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS})
  target_compile_definitions(${name} PRIVATE CAD_VERSION="${PROJECT_VERSION}")
endfunction()

# cad_add_test(name LABEL label SOURCES ... LIBS ...): a Catch2 test binary whose
# cases are registered with ctest one by one, labelled by area.
function(cad_add_test name)
  cmake_parse_arguments(ARG "" "LABEL" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE cad_catch_main ${ARG_LIBS})
  target_compile_definitions(${name} PRIVATE
    CAD_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    CAD_CORPUS_DIR="${PROJECT_SOURCE_DIR}/../shared/corpus"
    CAD_BIN_DIR="${PROJECT_BINARY_DIR}/bin")
  catch_discover_tests(${name} PROPERTIES LABELS "${ARG_LABEL}"
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
endfunction()
