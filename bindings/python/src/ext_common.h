// Shared helpers of the Python extension: status-to-exception conversion, GIL-free calls that Ctrl-C can
// cancel, and the buffer-size convention of the C API. Only the public C API is used.
#ifndef HEARTH_BINDINGS_PYTHON_SRC_EXT_COMMON_H_
#define HEARTH_BINDINGS_PYTHON_SRC_EXT_COMMON_H_

#include <pybind11/pybind11.h>

#include <cstddef>
#include <functional>
#include <string>

#include "hearth/hearth.h"

namespace hearth::python {

namespace py = pybind11;

// A failed C call: its status and the thread-local message, captured right after the call (the message is
// only valid until the next hearth call on the same thread).
struct CallError {
  hearth_status status = HEARTH_OK;
  std::string message;
};

// Captures hearth_last_error() for a failed status. Call on the thread that made the failing call.
CallError Capture(hearth_status status);

// Raises the hearth.HearthError subclass that matches `error.status`. Needs the GIL.
[[noreturn]] void ThrowError(const CallError& error);

// Raises if `status` is not HEARTH_OK. Needs the GIL; must follow the failing call directly (same thread).
inline void Check(hearth_status status) {
  if (status != HEARTH_OK) ThrowError(Capture(status));
}

// Raises ValueError for a call on a closed object.
[[noreturn]] void ThrowClosed(const char* what);

// Whether the calling thread is Python's main thread (the only one that receives signals).
bool IsMainThread();

// Runs `call` without the GIL. On the main thread the call runs on a helper thread while this thread waits and
// checks for signals; a pending signal (Ctrl-C) cancels `context` with hearth_context_cancel, waits for the
// call to end and re-raises the signal's exception (KeyboardInterrupt). Other threads run `call` directly.
// Returns the call's status with its message captured on the thread that ran it.
CallError RunCancellable(hearth_context* context, const std::function<hearth_status()>& call);

// Calls a C function that follows the buffer convention (NUL-terminated output, needed length reported with
// HEARTH_ERROR_BUFFER_TOO_SMALL) until the buffer fits. Needs the GIL (raises on failure).
std::string CallWithBuffer(size_t initial_capacity,
                           const std::function<hearth_status(char*, size_t, size_t*)>& call);

// Decodes UTF-8 bytes into a Python str, replacing invalid sequences.
py::str DecodeUtf8(const char* data, size_t length);

}  // namespace hearth::python

#endif  // HEARTH_BINDINGS_PYTHON_SRC_EXT_COMMON_H_
