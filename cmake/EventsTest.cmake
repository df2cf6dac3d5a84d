# events_test(NAME name SOURCES a.cc b.cc LIBS lib... LABELS unit|redis)
# Builds one GoogleTest binary and registers each of its tests with ctest under the label,
# so `ctest -L unit` runs without Redis and `ctest -L redis` needs EVENTS_TEST_REDIS_URL.
function(events_test)
  cmake_parse_arguments(T "" "NAME" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${T_NAME} ${T_SOURCES})
  target_link_libraries(${T_NAME} PRIVATE ${T_LIBS} GTest::gmock GTest::gtest GTest::gtest_main)
  events_test_timeout(timeout 120)
  events_test_timeout(discovery_timeout 30)
  gtest_discover_tests(${T_NAME}
    PROPERTIES LABELS "${T_LABELS}" TIMEOUT ${timeout}
    DISCOVERY_TIMEOUT ${discovery_timeout})
endfunction()
