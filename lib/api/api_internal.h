// Shared machinery of the C API implementation: the opaque handle types, the conversion of absl::Status
// to hearth_status plus the thread-local last-error message, and the exception barrier every exported
// function goes through. Nothing here is visible outside libhearth.
#ifndef HEARTH_LIB_API_API_INTERNAL_H_
#define HEARTH_LIB_API_API_INTERNAL_H_

#include <cstddef>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "hearth/hearth.h"
#include "lib/gguf/gguf_file.h"

struct hearth_file {
  std::unique_ptr<hearth::gguf::GgufFile> owned;  // Null when the file belongs to a model.
  const hearth::gguf::GgufFile* gguf = nullptr;
};

namespace hearth::api {

// How an error of an inner layer reads at the boundary. Parsing and loading see malformed input
// (InvalidArgument, OutOfRange, DataLoss...) as a bad file rather than a bad argument.
enum class ErrorDomain { kGeneral, kFile };

hearth_status ToHearthStatus(const absl::Status& status, ErrorDomain domain = ErrorDomain::kGeneral);

// The calling thread's last error message ("" if none).
const char* LastErrorCString();

// Records `message` as the calling thread's last error and returns `code`.
hearth_status Fail(hearth_status code, std::string_view message);
// Converts a non-OK status (recording its message); OK stays HEARTH_OK.
hearth_status Report(const absl::Status& status, ErrorDomain domain = ErrorDomain::kGeneral);

inline hearth_status InvalidArgument(std::string_view message) {
  return Fail(HEARTH_ERROR_INVALID_ARGUMENT, message);
}

// Runs `body` (returning hearth_status) so that no exception escapes into C callers.
template <typename Body>
hearth_status Guard(Body&& body) noexcept {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    return Fail(HEARTH_ERROR_OUT_OF_MEMORY, "out of memory");
  } catch (const std::exception& e) {
    return Fail(HEARTH_ERROR_INTERNAL, std::string("internal error: ") + e.what());
  } catch (...) {
    return Fail(HEARTH_ERROR_INTERNAL, "internal error: unknown exception");
  }
}

// Same for functions that return a value instead of a status: `fallback` on any exception.
template <typename T, typename Body>
T GuardValue(T fallback, Body&& body) noexcept {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    Fail(HEARTH_ERROR_OUT_OF_MEMORY, "out of memory");
  } catch (...) {
    Fail(HEARTH_ERROR_INTERNAL, "internal error: unexpected exception");
  }
  return fallback;
}

// struct_size rules (documented in hearth.h): a size below the first published layout is rejected; a
// larger size (a caller built against a newer header) is accepted and only the known prefix is used.
template <typename Struct>
hearth_status CheckStructSize(const Struct* s, size_t first_version_size, const char* what) {
  if (s == nullptr) return InvalidArgument(std::string(what) + " is NULL");
  if (s->struct_size < first_version_size) {
    return InvalidArgument(std::string(what) + ".struct_size is " + std::to_string(s->struct_size) +
                           ", smaller than any known layout (" + std::to_string(first_version_size) +
                           "); initialize it with sizeof or the matching *_init function");
  }
  return HEARTH_OK;
}

// Copies the caller's params struct into a full current-layout struct with defaults for any field the
// caller's (older) layout lacks.
template <typename Struct>
Struct CopyKnownPrefix(const Struct* in, const Struct& defaults) {
  Struct out = defaults;
  const size_t n = in->struct_size < sizeof(Struct) ? in->struct_size : sizeof(Struct);
  std::memcpy(&out, in, n);
  out.struct_size = sizeof(Struct);
  return out;
}

// Writes `text` with the NUL-terminated buffer protocol of hearth.h: `out_length` gets the length without
// the NUL; BUFFER_TOO_SMALL if it does not fit (the buffer then holds "" when capacity > 0).
hearth_status WriteString(std::string_view text, char* buffer, size_t capacity, size_t* out_length);

}  // namespace hearth::api

#endif  // HEARTH_LIB_API_API_INTERNAL_H_
