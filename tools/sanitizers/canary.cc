// A program with one deliberate bug of each kind the sanitizer builds must catch, run by the
// sanitizer_canary_* tests (tools/sanitizers/CMakeLists.txt): each test passes only when the
// sanitizer reports the bug and stops the process before it prints "survived". A gate whose
// flags or options were lost would otherwise go green while checking nothing.
#include <climits>
#include <cstdio>
#include <cstring>
#include <thread>

namespace {

// Volatile so that the compiler cannot see through the values and drop the bugs.
volatile int sink;

void UseAfterFree() {
  // A volatile pointer: g++ -O1 sees a plain one used after delete[] and, with -Werror,
  // refuses to build the canary (-Wuse-after-free), as it did in the TSan build.
  int* volatile p = new int[4];
  delete[] p;
  sink = p[1];
}

void Leak() {
  int* volatile p = new int[100];
  p[0] = 1;
  p = nullptr;
}

void SignedOverflow() {
  volatile int big = INT_MAX;
  sink = big + 1;
}

void DataRace() {
  int shared = 0;
  std::thread a([&] { shared = 1; });
  std::thread b([&] { shared = 2; });
  a.join();
  b.join();
  sink = shared;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s use-after-free|leak|signed-overflow|data-race\n", argv[0]);
    return 2;
  }
  if (std::strcmp(argv[1], "use-after-free") == 0) UseAfterFree();
  if (std::strcmp(argv[1], "leak") == 0) Leak();
  if (std::strcmp(argv[1], "signed-overflow") == 0) SignedOverflow();
  if (std::strcmp(argv[1], "data-race") == 0) DataRace();
  // Unbuffered, so that it cannot be lost. LeakSanitizer runs at exit, after this line: its
  // test looks only for the report.
  std::fprintf(stderr, "survived %s\n", argv[1]);
  return 0;
}
