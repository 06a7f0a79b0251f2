// Early-return helpers for absl::Status / absl::StatusOr.
#ifndef HEARTH_LIB_UTIL_STATUS_MACROS_H_
#define HEARTH_LIB_UTIL_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define HEARTH_STATUS_CONCAT_INNER(a, b) a##b
#define HEARTH_STATUS_CONCAT(a, b) HEARTH_STATUS_CONCAT_INNER(a, b)

// Returns the status from the enclosing function if it is not OK.
#define HEARTH_RETURN_IF_ERROR(expr)                 \
  do {                                               \
    ::absl::Status hearth_status_ = (expr);          \
    if (!hearth_status_.ok()) return hearth_status_; \
  } while (0)

// Declares/assigns `lhs` from a StatusOr expression, or returns its error.
#define HEARTH_ASSIGN_OR_RETURN(lhs, expr) \
  HEARTH_ASSIGN_OR_RETURN_IMPL(HEARTH_STATUS_CONCAT(hearth_statusor_, __LINE__), lhs, expr)
#define HEARTH_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                 \
  if (!tmp.ok()) return std::move(tmp).status();     \
  lhs = std::move(tmp).value()

#endif  // HEARTH_LIB_UTIL_STATUS_MACROS_H_
