#pragma once

// What sanitizer builds must allow for. Nothing here changes what a normal build does.

namespace events {

// How much slower than a normal build this one runs: ThreadSanitizer slows every thread 5
// to 15 times, and wakes sleeping ones late. Margins of time that a loaded production
// machine keeps (answering before a caller's deadline) are scaled by it, and so are the
// deadlines of the tests that check them, so a TSan run tests the same logic rather than
// the lateness of its timers.
#if defined(__SANITIZE_THREAD__)
inline constexpr int kSanitizerSlowdown = 10;
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
inline constexpr int kSanitizerSlowdown = 10;
#else
inline constexpr int kSanitizerSlowdown = 1;
#endif
#else
inline constexpr int kSanitizerSlowdown = 1;
#endif

}  // namespace events
