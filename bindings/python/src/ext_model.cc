// Model bindings: loading (with progress and Ctrl-C), info, tokenizer.
#include <pybind11/stl.h>

#include <optional>
#include <string>
#include <vector>

#include "bindings/python/src/ext_common.h"
#include "bindings/python/src/ext_objects.h"

namespace hearth::python {
namespace {

// State of the load progress callback, which runs on the loading thread with the GIL released.
struct ProgressState {
  py::object callback;
  std::optional<py::error_already_set> error;
};

int32_t OnProgress(float progress, void* user_data) {
  auto* state = static_cast<ProgressState*>(user_data);
  py::gil_scoped_acquire gil;
  if (state->error) return 1;
  try {
    // Only the main thread sees signals; elsewhere this is a no-op.
    if (PyErr_CheckSignals() != 0) throw py::error_already_set();
    if (!state->callback.is_none() && py::bool_(state->callback(progress))) return 1;
  } catch (py::error_already_set& e) {
    state->error.emplace(std::move(e));
    return 1;
  } catch (const std::exception& e) {
    PyErr_SetString(PyExc_RuntimeError, e.what());
    state->error.emplace();
    return 1;
  }
  return 0;
}

Model Load(const std::string& path, bool vocab_only, py::object progress, bool file_layout_only) {
  ProgressState state{std::move(progress), std::nullopt};
  hearth_model_params params;
  hearth_model_params_init(&params);
  params.vocab_only = vocab_only ? 1 : 0;
  params.flags = file_layout_only ? HEARTH_MODEL_FILE_LAYOUT_ONLY : 0;
  params.progress_callback = OnProgress;
  params.progress_user_data = &state;
  hearth_model* model = nullptr;
  CallError error;
  {
    py::gil_scoped_release release;
    error = Capture(hearth_model_load(path.c_str(), &params, &model));
  }
  if (state.error) {
    hearth_model_free(model);
    throw std::move(*state.error);
  }
  if (error.status != HEARTH_OK) ThrowError(error);
  return Model(std::shared_ptr<hearth_model>(model, hearth_model_free));
}

py::dict Info(const Model& m) {
  hearth_model_info info{};
  info.struct_size = sizeof(info);
  Check(hearth_model_get_info(m.get(), &info));
  py::dict out;
  out["architecture"] = py::str(info.architecture != nullptr ? info.architecture : "");
  out["n_vocab"] = info.n_vocab;
  out["n_ctx_train"] = info.n_ctx_train;
  out["n_embd"] = info.n_embd;
  out["n_layer"] = info.n_layer;
  out["n_head"] = info.n_head;
  out["n_head_kv"] = info.n_head_kv;
  out["n_params"] = info.n_params;
  out["n_bytes"] = info.n_bytes;
  return out;
}

std::vector<hearth_token> Tokenize(const Model& m, const std::string& text, bool add_special,
                                   bool parse_special) {
  hearth_model* model = m.get();
  // Rarely more tokens than bytes; BOS/EOS add a few.
  std::vector<hearth_token> tokens(text.size() + 8);
  for (;;) {
    size_t count = 0;
    CallError error;
    {
      py::gil_scoped_release release;
      error = Capture(hearth_model_tokenize(model, text.data(), text.size(), add_special ? 1 : 0,
                                            parse_special ? 1 : 0, tokens.data(), tokens.size(), &count));
    }
    if (error.status == HEARTH_OK) {
      tokens.resize(count);
      return tokens;
    }
    if (error.status != HEARTH_ERROR_BUFFER_TOO_SMALL || count <= tokens.size()) ThrowError(error);
    tokens.resize(count);
  }
}

py::bytes Detokenize(const Model& m, const std::vector<hearth_token>& tokens, bool render_special) {
  hearth_model* model = m.get();
  const std::string text = CallWithBuffer(tokens.size() * 8 + 16, [&](char* buffer, size_t capacity,
                                                                        size_t* length) {
    return hearth_model_detokenize(model, tokens.data(), tokens.size(), render_special ? 1 : 0, buffer,
                                   capacity, length);
  });
  return py::bytes(text);
}

py::bytes TokenToPiece(const Model& m, hearth_token token, bool render_special) {
  hearth_model* model = m.get();
  const std::string piece = CallWithBuffer(32, [&](char* buffer, size_t capacity, size_t* length) {
    return hearth_model_token_to_piece(model, token, render_special ? 1 : 0, buffer, capacity, length);
  });
  return py::bytes(piece);
}

}  // namespace

hearth_model* Model::get() const {
  if (!model_) ThrowClosed("model");
  return model_.get();
}

const std::shared_ptr<hearth_model>& Model::shared() const {
  if (!model_) ThrowClosed("model");
  return model_;
}

void BindModel(py::module_& m) {
  py::class_<Model>(m, "Model")
      .def_static("load", &Load, py::arg("path"), py::arg("vocab_only") = false, py::arg("progress") = py::none(),
                  py::arg("file_layout_only") = false)
      .def("close", &Model::Close)
      .def("info", &Info)
      .def("file",
           [](const Model& model) {
             const std::shared_ptr<hearth_model>& owner = model.shared();
             const hearth_file* file = hearth_model_file(owner.get());
             if (file == nullptr) {
               throw py::value_error("the model has no file");
             }
             return File(file, owner);
           })
      .def("tokenize", &Tokenize, py::arg("text"), py::arg("add_special") = false,
           py::arg("parse_special") = false)
      .def("detokenize", &Detokenize, py::arg("tokens"), py::arg("render_special") = false)
      .def("token_to_piece", &TokenToPiece, py::arg("token"), py::arg("render_special") = false)
      .def("token_bos", [](const Model& model) { return hearth_model_token_bos(model.get()); })
      .def("token_eos", [](const Model& model) { return hearth_model_token_eos(model.get()); })
      .def("token_is_end",
           [](const Model& model, hearth_token token) { return hearth_model_token_is_end(model.get(), token) != 0; });
}

}  // namespace hearth::python
