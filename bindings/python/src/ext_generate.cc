// hearth_context_generate with the GIL released: the text and tokens are collected in C++, and the optional
// Python callback (which may stop generation by returning a true value) runs with the GIL briefly reacquired.
#include <pybind11/stl.h>

#include <optional>
#include <string>
#include <vector>

#include "bindings/python/src/ext_common.h"
#include "bindings/python/src/ext_objects.h"

namespace hearth::python {
namespace {

struct GenerateState {
  py::object callback;  // None, or callable(token: int, text: bytes) -> truthy to stop.
  std::string text;
  std::vector<hearth_token> tokens;
  std::optional<py::error_already_set> error;
};

int32_t OnToken(hearth_token token, const char* text, size_t text_length, void* user_data) {
  auto* state = static_cast<GenerateState*>(user_data);
  // HEARTH_TOKEN_NULL carries text held back until the end (a possible stop-string prefix).
  if (token != HEARTH_TOKEN_NULL) state->tokens.push_back(token);
  if (text != nullptr) state->text.append(text, text_length);
  if (state->callback.is_none()) return 0;  // A pointer comparison: no GIL needed.
  py::gil_scoped_acquire gil;
  if (state->error) return 1;
  try {
    // Signals reach only the main thread; elsewhere this is a no-op (RunCancellable watches instead).
    if (PyErr_CheckSignals() != 0) throw py::error_already_set();
    py::object stop = state->callback(token, py::bytes(text != nullptr ? text : "", text_length));
    return py::bool_(stop) ? 1 : 0;
  } catch (py::error_already_set& e) {
    state->error.emplace(std::move(e));
  } catch (const std::exception& e) {
    PyErr_SetString(PyExc_RuntimeError, e.what());
    state->error.emplace();
  }
  return 1;
}

py::dict Generate(Context& c, Sampler& s, const std::string& prompt, int32_t max_tokens,
                  const std::vector<std::string>& stop, bool add_special, bool parse_special,
                  py::object callback) {
  if (prompt.find('\0') != std::string::npos) throw py::value_error("the prompt contains a NUL character");
  std::vector<const char*> stop_strings;
  for (const std::string& text : stop) {
    if (text.empty() || text.find('\0') != std::string::npos) {
      throw py::value_error("stop strings must be non-empty and contain no NUL character");
    }
    stop_strings.push_back(text.c_str());
  }
  auto sampler_lock = s.Lock();
  auto context_lock = c.Lock();
  hearth_context* context = c.get();
  hearth_sampler* sampler = s.get();

  GenerateState state{std::move(callback), {}, {}, std::nullopt};
  hearth_generate_params params;
  hearth_generate_params_init(&params);
  params.max_tokens = max_tokens;
  params.stop_strings = stop_strings.empty() ? nullptr : stop_strings.data();
  params.n_stop_strings = stop_strings.size();
  params.add_special = add_special ? 1 : 0;
  params.parse_special = parse_special ? 1 : 0;
  params.callback = OnToken;
  params.user_data = &state;
  hearth_generate_result result{};
  result.struct_size = sizeof(result);
  // The logits of the last batch change whatever happens next.
  c.logits_rows = 0;
  const CallError error = RunCancellable(
      context, [&] { return hearth_context_generate(context, sampler, prompt.c_str(), &params, &result); });
  if (state.error) throw std::move(*state.error);
  if (error.status != HEARTH_OK) ThrowError(error);
  c.logits_rows = 1;
  c.logits_all = false;

  py::dict out;
  out["text"] = DecodeUtf8(state.text.data(), state.text.size());
  out["tokens"] = state.tokens;
  out["n_prompt_tokens"] = result.n_prompt_tokens;
  out["n_generated_tokens"] = result.n_generated_tokens;
  out["stop_reason"] = result.stop_reason;
  out["prompt_seconds"] = result.prompt_seconds;
  out["generate_seconds"] = result.generate_seconds;
  return out;
}

}  // namespace

void BindGenerate(py::module_& m) {
  m.def("generate", &Generate, py::arg("context"), py::arg("sampler"), py::arg("prompt"), py::arg("max_tokens"),
        py::arg("stop"), py::arg("add_special"), py::arg("parse_special"), py::arg("callback") = py::none());
}

}  // namespace hearth::python
