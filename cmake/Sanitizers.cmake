# Build-wide instrumentation, chosen at configure time. Included from the top-level
# CMakeLists.txt before any target, so that every project target (services, tools, tests and
# the generated protobuf code) and every link gets the same flags: mixing instrumented and
# plain objects of our own code hides bugs (ASan's container checks) or invents them (TSan).
#
#   -DEVENTS_SANITIZE=address,undefined   ASan + LeakSanitizer + UBSan (halt on the first report)
#   -DEVENTS_SANITIZE=thread              TSan
#   -DEVENTS_COVERAGE=ON                  gcov counters (--coverage), for gcovr
#
# ./scripts/test --sanitize=... / --coverage configure a build folder of their own with these.
set(EVENTS_SANITIZE "" CACHE STRING
    "Sanitizers for every target: empty (off), address,undefined, or thread")
set_property(CACHE EVENTS_SANITIZE PROPERTY STRINGS "" "address,undefined" "address" "undefined" "thread")
option(EVENTS_COVERAGE "Instrument every target for line and branch coverage (gcov)" OFF)

# How much longer a test may take than its TIMEOUT says: the sanitizers slow code down 2-15
# times, and a timeout is a budget, not a property under test. cmake/EventsTest.cmake and the
# add_test() calls scale their TIMEOUT with events_test_timeout().
set(EVENTS_TEST_TIMEOUT_FACTOR 1)

if(EVENTS_SANITIZE)
  string(REPLACE "," ";" _events_sanitizers "${EVENTS_SANITIZE}")
  foreach(s IN LISTS _events_sanitizers)
    if(NOT s MATCHES "^(address|undefined|thread)$")
      message(FATAL_ERROR "EVENTS_SANITIZE: unknown sanitizer '${s}' (address, undefined, thread)")
    endif()
  endforeach()
  if("thread" IN_LIST _events_sanitizers AND "address" IN_LIST _events_sanitizers)
    message(FATAL_ERROR "EVENTS_SANITIZE: thread and address cannot be combined; build them apart")
  endif()
  set(_events_san_flags "-fsanitize=${EVENTS_SANITIZE}" -fno-omit-frame-pointer)
  if("undefined" IN_LIST _events_sanitizers)
    # Every UBSan finding is fatal (exit code != 0) instead of a line in the log.
    list(APPEND _events_san_flags -fno-sanitize-recover=all)
  endif()
  add_compile_options(${_events_san_flags})
  add_link_options(${_events_san_flags})
  if("thread" IN_LIST _events_sanitizers)
    set(EVENTS_TEST_TIMEOUT_FACTOR 5)
    # g++ warns (-Wtsan) that TSan does not model std::atomic_thread_fence, and -Werror makes
    # that fatal. The only fences are in Boost.Asio's headers (std_fenced_block, around each
    # handler it runs), a third party's; the hand-over they order also goes through the
    # scheduler's mutex, which TSan does see. Without this the metrics endpoint and the
    # webhook test receiver (Beast) do not build under TSan.
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
      add_compile_options(-Wno-tsan)
    endif()
  else()
    set(EVENTS_TEST_TIMEOUT_FACTOR 3)
  endif()
  message(STATUS "Sanitizers: ${EVENTS_SANITIZE} (test timeouts x${EVENTS_TEST_TIMEOUT_FACTOR})")
endif()

if(EVENTS_COVERAGE)
  if(EVENTS_SANITIZE)
    message(FATAL_ERROR "EVENTS_COVERAGE and EVENTS_SANITIZE are separate builds")
  endif()
  # Atomic counters: the services count on many threads at once, and plain counters raced
  # that way came out as -1 ("branch taken -1") in the first run.
  add_compile_options(--coverage -fprofile-update=atomic)
  add_link_options(--coverage -fprofile-update=atomic)
  set(EVENTS_TEST_TIMEOUT_FACTOR 2)
  message(STATUS "Coverage instrumentation on (test timeouts x${EVENTS_TEST_TIMEOUT_FACTOR})")
endif()

# events_test_timeout(VAR SECONDS): VAR = SECONDS scaled for this build's instrumentation.
function(events_test_timeout var seconds)
  math(EXPR scaled "${seconds} * ${EVENTS_TEST_TIMEOUT_FACTOR}")
  set(${var} ${scaled} PARENT_SCOPE)
endfunction()
