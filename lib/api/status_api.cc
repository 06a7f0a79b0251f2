// Versions, status strings, the thread-local last-error message and absl::Status conversion.
#include <cstring>
#include <string>

#include "absl/status/status.h"
#include "hearth/hearth.h"
#include "lib/api/api_internal.h"

namespace hearth::api {
namespace {

// One message per thread; a failed call replaces it. std::string assignment may throw bad_alloc, in
// which case the message is dropped rather than thrown across the boundary.
thread_local std::string g_last_error;

}  // namespace

const char* LastErrorCString() { return g_last_error.c_str(); }

hearth_status Fail(hearth_status code, std::string_view message) {
  try {
    g_last_error.assign(message.data(), message.size());
  } catch (...) {
    g_last_error.clear();
  }
  return code;
}

hearth_status ToHearthStatus(const absl::Status& status, ErrorDomain domain) {
  switch (status.code()) {
    case absl::StatusCode::kOk:
      return HEARTH_OK;
    case absl::StatusCode::kNotFound:
      return HEARTH_ERROR_NOT_FOUND;
    case absl::StatusCode::kCancelled:
      return HEARTH_ERROR_CANCELLED;
    case absl::StatusCode::kUnimplemented:
      return HEARTH_ERROR_UNSUPPORTED;
    case absl::StatusCode::kResourceExhausted:
      return HEARTH_ERROR_OUT_OF_MEMORY;
    case absl::StatusCode::kPermissionDenied:
    case absl::StatusCode::kUnavailable:
      return HEARTH_ERROR_IO;
    case absl::StatusCode::kDataLoss:
      return HEARTH_ERROR_INVALID_FILE;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kOutOfRange:
    case absl::StatusCode::kFailedPrecondition:
      return domain == ErrorDomain::kFile ? HEARTH_ERROR_INVALID_FILE : HEARTH_ERROR_INVALID_ARGUMENT;
    default:
      return HEARTH_ERROR_INTERNAL;
  }
}

hearth_status Report(const absl::Status& status, ErrorDomain domain) {
  if (status.ok()) return HEARTH_OK;
  return Fail(ToHearthStatus(status, domain), std::string_view(status.message().data(), status.message().size()));
}

hearth_status WriteString(std::string_view text, char* buffer, size_t capacity, size_t* out_length) {
  if (buffer == nullptr && capacity > 0) return InvalidArgument("buffer is NULL but capacity is not 0");
  if (out_length != nullptr) *out_length = text.size();
  if (text.size() + 1 > capacity) {
    if (capacity > 0) buffer[0] = '\0';
    return Fail(HEARTH_ERROR_BUFFER_TOO_SMALL,
                "buffer of " + std::to_string(capacity) + " bytes is too small; " +
                    std::to_string(text.size() + 1) + " bytes are needed");
  }
  std::memcpy(buffer, text.data(), text.size());
  buffer[text.size()] = '\0';
  return HEARTH_OK;
}

}  // namespace hearth::api

extern "C" {

const char* hearth_version_string(void) { return HEARTH_VERSION_STRING; }

uint32_t hearth_version_number(void) { return HEARTH_VERSION_NUMBER; }

const char* hearth_status_string(hearth_status status) {
  switch (status) {
    case HEARTH_OK: return "ok";
    case HEARTH_ERROR_INVALID_ARGUMENT: return "invalid argument";
    case HEARTH_ERROR_NOT_FOUND: return "not found";
    case HEARTH_ERROR_IO: return "i/o error";
    case HEARTH_ERROR_INVALID_FILE: return "invalid file";
    case HEARTH_ERROR_UNSUPPORTED: return "unsupported";
    case HEARTH_ERROR_OUT_OF_MEMORY: return "out of memory";
    case HEARTH_ERROR_CANCELLED: return "cancelled";
    case HEARTH_ERROR_CONTEXT_FULL: return "context full";
    case HEARTH_ERROR_BUFFER_TOO_SMALL: return "buffer too small";
    case HEARTH_ERROR_WRONG_TYPE: return "wrong type";
    case HEARTH_ERROR_INTERNAL: return "internal error";
    default: return "unknown status";
  }
}

const char* hearth_last_error(void) { return hearth::api::LastErrorCString(); }

}  // extern "C"
