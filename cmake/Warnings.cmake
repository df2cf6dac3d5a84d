# events_warnings: the warning flags every target written for this project compiles with, and
# -Werror so that a new warning fails the build instead of scrolling past. Generated code
# (protoc/grpc_cpp_plugin output) is not ours to fix, so it is left out: its targets carry the
# property EVENTS_GENERATED_CODE and their include folders are SYSTEM, like every third-party
# header, so warnings inside them do not fail project code that includes them.
#
# events_link_warnings() at the end of the top CMakeLists.txt links the target into every
# library and executable defined under the project, so a new target cannot forget it.
option(EVENTS_WERROR "Treat compiler warnings as errors" ON)

add_library(events_warnings INTERFACE)
# -Wconversion means different things to the two compilers: g++ leaves signedness changes
# out of it in C++, clang takes -Wsign-conversion in. That one is left out under clang too,
# so both compilers check the same thing: nearly all its findings here are `char` bytes
# handed to <cctype>-style checks as unsigned char and int counts given to reserve(), where
# the value cannot be negative (docs/development.md, "Quality gate: warnings").
#
# Under clang, clang's thread-safety analysis too (every ABSL_GUARDED_BY member touched only
# under its mutex, lock order, ABSL_EXCLUSIVE_LOCKS_REQUIRED and ABSL_LOCKS_EXCLUDED): so
# every clang build (the TSan build in CI, the fuzz build) checks the locking of every file
# it compiles, with -Werror like any other warning. scripts/check-thread-safety runs the same
# analysis alone, syntax only, for a g++ build.
target_compile_options(events_warnings INTERFACE
  -Wall -Wextra -Wshadow -Wnon-virtual-dtor -Wconversion
  $<$<CXX_COMPILER_ID:Clang>:-Wno-sign-conversion>
  $<$<CXX_COMPILER_ID:Clang>:-Wthread-safety>
  $<$<CXX_COMPILER_ID:Clang>:-Wthread-safety-beta>
  $<$<BOOL:${EVENTS_WERROR}>:-Werror>)

# events_link_warnings(): links events_warnings into each target in the project that is not
# marked EVENTS_GENERATED_CODE. Walks the directory tree so targets added later are covered.
function(events_link_warnings)
  set(dirs ${PROJECT_SOURCE_DIR})
  while(dirs)
    list(POP_FRONT dirs dir)
    get_property(subdirs DIRECTORY ${dir} PROPERTY SUBDIRECTORIES)
    list(APPEND dirs ${subdirs})
    get_property(targets DIRECTORY ${dir} PROPERTY BUILDSYSTEM_TARGETS)
    foreach(t ${targets})
      get_target_property(type ${t} TYPE)
      get_target_property(generated ${t} EVENTS_GENERATED_CODE)
      if(type MATCHES "^(STATIC_LIBRARY|SHARED_LIBRARY|OBJECT_LIBRARY|MODULE_LIBRARY|EXECUTABLE)$"
         AND NOT generated)
        target_link_libraries(${t} PRIVATE events_warnings)
      endif()
    endforeach()
  endwhile()
endfunction()
