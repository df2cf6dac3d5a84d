#pragma once

#include <utility>

#include "absl/status/status.h"

// Returns from the enclosing function with the status of `expr` when it is not OK.
// Not const, so that the return moves the status instead of copying it.
#define EVENTS_RETURN_IF_ERROR(expr)                 \
  do {                                               \
    absl::Status _events_status = (expr);            \
    if (!_events_status.ok()) return _events_status; \
  } while (0)

// Declares `lhs` from the value of a StatusOr `rexpr`, or returns its status.
// `tmp` and `lhs` are names being declared (`auto x`), which parentheses would break.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define EVENTS_ASSIGN_OR_RETURN(lhs, rexpr) \
  EVENTS_ASSIGN_OR_RETURN_IMPL(EVENTS_CONCAT(_statusor_, __LINE__), lhs, rexpr)
#define EVENTS_ASSIGN_OR_RETURN_IMPL(tmp, lhs, rexpr) \
  auto tmp = (rexpr);                                 \
  if (!tmp.ok()) return std::move(tmp).status();      \
  lhs = std::move(tmp).value()
// NOLINTEND(bugprone-macro-parentheses)
#define EVENTS_CONCAT(a, b) EVENTS_CONCAT_INNER(a, b)
#define EVENTS_CONCAT_INNER(a, b) a##b
