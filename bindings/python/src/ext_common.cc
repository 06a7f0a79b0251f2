#include "bindings/python/src/ext_common.h"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>
#include <utility>

namespace hearth::python {
namespace {

unsigned long MainThreadIdent() {
  // Read once, under the GIL: threading.main_thread() is the thread Python delivers signals to.
  static const unsigned long ident =
      py::module_::import("threading").attr("main_thread")().attr("ident").cast<unsigned long>();
  return ident;
}

}  // namespace

CallError Capture(hearth_status status) {
  CallError error;
  error.status = status;
  if (status != HEARTH_OK) {
    const char* message = hearth_last_error();
    error.message = (message != nullptr && message[0] != '\0') ? message : hearth_status_string(status);
  }
  return error;
}

void ThrowError(const CallError& error) {
  // The exception classes live in hearth/_errors.py so that they can inherit from builtin exceptions too
  // (NotFoundError is a FileNotFoundError).
  py::object exception =
      py::module_::import("hearth._errors").attr("_from_status")(error.status, error.message);
  PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(exception.ptr())), exception.ptr());
  throw py::error_already_set();
}

void ThrowClosed(const char* what) { throw py::value_error(std::string(what) + " is closed"); }

bool IsMainThread() { return PyThread_get_thread_ident() == MainThreadIdent(); }

CallError RunCancellable(hearth_context* context, const std::function<hearth_status()>& call) {
  if (!IsMainThread()) {
    py::gil_scoped_release release;
    return Capture(call());
  }
  struct State {
    std::mutex mu;
    std::condition_variable cv;
    bool done = false;
    CallError result;
  } state;
  std::thread worker;
  {
    py::gil_scoped_release release;
    try {
      worker = std::thread([&state, &call] {
        CallError result = Capture(call());
        std::lock_guard<std::mutex> lock(state.mu);
        state.result = std::move(result);
        state.done = true;
        state.cv.notify_all();
      });
    } catch (const std::system_error&) {
      // No thread available: run here, without signal checks.
      return Capture(call());
    }
  }
  std::optional<py::error_already_set> interrupt;
  for (;;) {
    bool done = false;
    {
      py::gil_scoped_release release;
      std::unique_lock<std::mutex> lock(state.mu);
      done = state.cv.wait_for(lock, std::chrono::milliseconds(50), [&state] { return state.done; });
    }
    if (done) break;
    if (!interrupt && PyErr_CheckSignals() != 0) {
      interrupt.emplace();  // Takes the pending exception (KeyboardInterrupt for Ctrl-C).
      hearth_context_cancel(context);
    }
  }
  {
    py::gil_scoped_release release;
    worker.join();
  }
  if (interrupt) throw std::move(*interrupt);
  return state.result;
}

std::string CallWithBuffer(size_t initial_capacity,
                           const std::function<hearth_status(char*, size_t, size_t*)>& call) {
  std::string buffer(initial_capacity > 0 ? initial_capacity : 1, '\0');
  for (;;) {
    size_t length = 0;
    const hearth_status status = call(buffer.data(), buffer.size(), &length);
    if (status == HEARTH_OK) {
      buffer.resize(length);
      return buffer;
    }
    // Retry only when the library asked for more room than we gave, so a faulty length cannot loop forever.
    if (status != HEARTH_ERROR_BUFFER_TOO_SMALL || length + 1 <= buffer.size()) Check(status);
    buffer.assign(length + 1, '\0');
  }
}

py::str DecodeUtf8(const char* data, size_t length) {
  PyObject* text = PyUnicode_DecodeUTF8(data, static_cast<Py_ssize_t>(length), "replace");
  if (text == nullptr) throw py::error_already_set();
  return py::reinterpret_steal<py::str>(text);
}

}  // namespace hearth::python
