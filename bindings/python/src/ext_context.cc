// Context and sampler bindings: eval (cancellable, GIL released), zero-copy logits, truncate, sampling.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <string>
#include <utility>
#include <vector>

#include "bindings/python/src/ext_common.h"
#include "bindings/python/src/ext_objects.h"

namespace hearth::python {
namespace {

std::unique_lock<std::mutex> TryLock(std::mutex& mu, const char* what) {
  std::unique_lock<std::mutex> lock(mu, std::try_to_lock);
  if (!lock.owns_lock()) {
    throw std::runtime_error(std::string(what) + " is in use by another call (one call at a time)");
  }
  return lock;
}

std::unique_ptr<Context> CreateContext(const Model& model, uint32_t n_ctx, int32_t n_threads, uint32_t n_batch,
                                       bool logits_all) {
  const std::shared_ptr<hearth_model>& owner = model.shared();
  hearth_model_info info{};
  info.struct_size = sizeof(info);
  Check(hearth_model_get_info(owner.get(), &info));
  hearth_context_params params;
  hearth_context_params_init(&params);
  params.n_ctx = n_ctx;
  params.n_threads = n_threads;
  params.n_batch = n_batch;
  params.logits_all = logits_all ? 1 : 0;
  hearth_context* context = nullptr;
  CallError error;
  {
    py::gil_scoped_release release;  // Allocates the KV cache and scratch buffers.
    error = Capture(hearth_context_create(owner.get(), &params, &context));
  }
  if (error.status != HEARTH_OK) ThrowError(error);
  std::shared_ptr<hearth_context> shared(context, [owner](hearth_context* ctx) { hearth_context_free(ctx); });
  return std::make_unique<Context>(std::move(shared), info.n_vocab);
}

void Eval(Context& c, const std::vector<hearth_token>& tokens, bool all_logits) {
  auto lock = c.Lock();
  hearth_context* context = c.get();
  const CallError error = RunCancellable(context, [&] {
    return hearth_context_eval(context, tokens.data(), tokens.size(),
                               all_logits ? HEARTH_LOGITS_ALL : HEARTH_LOGITS_LAST);
  });
  if (error.status == HEARTH_OK) {
    c.logits_rows = static_cast<int64_t>(tokens.size());
    c.logits_all = all_logits;
  } else if (error.status != HEARTH_ERROR_CONTEXT_FULL) {
    // A cancelled or failed eval leaves the last batch undefined.
    c.logits_rows = 0;
  }
  if (error.status != HEARTH_OK) ThrowError(error);
}

void MakeReadOnly(py::array& array) { array.attr("flags").attr("writeable") = false; }

// The base object of logits views: a reference to the C context, so that the buffer outlives close().
py::capsule ViewBase(const Context& c) {
  return py::capsule(new std::shared_ptr<hearth_context>(c.shared()),
                     [](void* p) { delete static_cast<std::shared_ptr<hearth_context>*>(p); });
}

// A read-only view of one row, valid until the next eval or truncate changes the buffer.
py::array Logits(Context& c, int32_t index) {
  auto lock = c.Lock();
  const float* row = hearth_context_logits(c.get(), index);
  if (row == nullptr) {
    throw py::index_error("no logits kept for index " + std::to_string(index) + " of the last batch");
  }
  py::array array(py::dtype::of<float>(), {static_cast<py::ssize_t>(c.n_vocab())},
                  {static_cast<py::ssize_t>(sizeof(float))}, row, ViewBase(c));
  MakeReadOnly(array);
  return array;
}

// Every kept row of the last batch, as a (rows, n_vocab) view when the rows are contiguous, else a copy.
py::array LogitsMatrix(Context& c) {
  auto lock = c.Lock();
  const int64_t rows = c.logits_all ? c.logits_rows : (c.logits_rows > 0 ? 1 : 0);
  const int64_t n_vocab = c.n_vocab();
  std::vector<const float*> pointers;
  for (int64_t i = 0; i < rows; ++i) {
    const int32_t index = c.logits_all ? static_cast<int32_t>(i) : -1;
    const float* row = hearth_context_logits(c.get(), index);
    if (row == nullptr) throw py::index_error("no logits kept for row " + std::to_string(i));
    pointers.push_back(row);
  }
  bool contiguous = true;
  for (int64_t i = 1; i < rows; ++i) contiguous &= pointers[i] == pointers[0] + i * n_vocab;
  const std::vector<py::ssize_t> shape = {static_cast<py::ssize_t>(rows), static_cast<py::ssize_t>(n_vocab)};
  if (rows > 0 && contiguous) {
    const std::vector<py::ssize_t> strides = {static_cast<py::ssize_t>(n_vocab * sizeof(float)),
                                              static_cast<py::ssize_t>(sizeof(float))};
    py::array array(py::dtype::of<float>(), shape, strides, pointers[0], ViewBase(c));
    MakeReadOnly(array);
    return array;
  }
  py::array_t<float> copy(shape);
  float* out = copy.mutable_data();
  for (int64_t i = 0; i < rows; ++i) std::copy(pointers[i], pointers[i] + n_vocab, out + i * n_vocab);
  return std::move(copy);
}

std::unique_ptr<Sampler> CreateSampler(const Model& model, float temperature, int32_t top_k, float top_p,
                                       float min_p, float repeat_penalty, float frequency_penalty,
                                       float presence_penalty, int32_t penalty_last_n, uint64_t seed,
                                       const std::vector<std::pair<hearth_token, float>>& logit_bias) {
  const std::shared_ptr<hearth_model>& owner = model.shared();
  std::vector<hearth_logit_bias> biases;
  for (const auto& [token, bias] : logit_bias) biases.push_back(hearth_logit_bias{token, bias});
  hearth_sampler_params params;
  hearth_sampler_params_init(&params);
  params.temperature = temperature;
  params.top_k = top_k;
  params.top_p = top_p;
  params.min_p = min_p;
  params.repeat_penalty = repeat_penalty;
  params.frequency_penalty = frequency_penalty;
  params.presence_penalty = presence_penalty;
  params.penalty_last_n = penalty_last_n;
  params.seed = seed;
  params.logit_bias = biases.empty() ? nullptr : biases.data();
  params.n_logit_bias = biases.size();
  hearth_sampler* sampler = nullptr;
  Check(hearth_sampler_create(owner.get(), &params, &sampler));
  return std::make_unique<Sampler>(owner, sampler);
}

hearth_token Sample(Sampler& s, Context& c, int32_t index) {
  auto sampler_lock = s.Lock();
  auto context_lock = c.Lock();
  hearth_token token = HEARTH_TOKEN_NULL;
  CallError error;
  {
    py::gil_scoped_release release;
    error = Capture(hearth_sampler_sample(s.get(), c.get(), index, &token));
  }
  if (error.status != HEARTH_OK) ThrowError(error);
  return token;
}

}  // namespace

hearth_context* Context::get() const {
  if (!context_) ThrowClosed("context");
  return context_.get();
}

const std::shared_ptr<hearth_context>& Context::shared() const {
  if (!context_) ThrowClosed("context");
  return context_;
}

std::unique_lock<std::mutex> Context::Lock() { return TryLock(busy_, "the context"); }

void Context::Close() {
  auto lock = Lock();
  context_.reset();
}

hearth_sampler* Sampler::get() const {
  if (sampler_ == nullptr) ThrowClosed("sampler");
  return sampler_;
}

std::unique_lock<std::mutex> Sampler::Lock() { return TryLock(busy_, "the sampler"); }

void Sampler::Close() {
  auto lock = Lock();
  hearth_sampler_free(sampler_);
  sampler_ = nullptr;
  model_.reset();
}

void BindContext(py::module_& m) {
  py::class_<Context>(m, "Context")
      .def_static("create", &CreateContext, py::arg("model"), py::arg("n_ctx") = 0, py::arg("n_threads") = 0,
                  py::arg("n_batch") = 0, py::arg("logits_all") = false)
      .def("close", &Context::Close)
      .def_property_readonly("n_ctx", [](Context& c) { return hearth_context_size(c.get()); })
      .def_property_readonly("n_vocab", &Context::n_vocab)
      .def_property_readonly("position",
                             [](Context& c) {
                               auto lock = c.Lock();
                               return hearth_context_position(c.get());
                             })
      .def("eval", &Eval, py::arg("tokens"), py::arg("all_logits") = false)
      .def("logits", &Logits, py::arg("index") = -1)
      .def("logits_matrix", &LogitsMatrix)
      .def(
          "truncate",
          [](Context& c, uint32_t position) {
            auto lock = c.Lock();
            const hearth_status status = hearth_context_truncate(c.get(), position);
            const CallError error = Capture(status);
            c.logits_rows = 0;
            if (status != HEARTH_OK) ThrowError(error);
          },
          py::arg("position"))
      // No lock: cancel is the one call the C API allows from any thread, during another call.
      .def("cancel", [](Context& c) { hearth_context_cancel(c.get()); });

  py::class_<Sampler>(m, "Sampler")
      .def_static("create", &CreateSampler, py::arg("model"), py::arg("temperature"), py::arg("top_k"),
                  py::arg("top_p"), py::arg("min_p"), py::arg("repeat_penalty"), py::arg("frequency_penalty"),
                  py::arg("presence_penalty"), py::arg("penalty_last_n"), py::arg("seed"),
                  py::arg("logit_bias"))
      .def("close", &Sampler::Close)
      .def("sample", &Sample, py::arg("context"), py::arg("index") = -1)
      .def("accept",
           [](Sampler& s, hearth_token token) {
             auto lock = s.Lock();
             hearth_sampler_accept(s.get(), token);
           })
      .def("reset", [](Sampler& s) {
        auto lock = s.Lock();
        hearth_sampler_reset(s.get());
      });
}

}  // namespace hearth::python
