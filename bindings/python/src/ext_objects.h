// The handles the extension exposes. Lifetimes follow the C API's rules with shared ownership: a context or
// sampler keeps its model alive, and a file read through a model keeps the model alive, so Python's garbage
// collection order can never free a model under a context.
#ifndef HEARTH_BINDINGS_PYTHON_SRC_EXT_OBJECTS_H_
#define HEARTH_BINDINGS_PYTHON_SRC_EXT_OBJECTS_H_

#include <pybind11/pybind11.h>

#include <cstdint>
#include <memory>
#include <mutex>

#include "hearth/hearth.h"

namespace hearth::python {

namespace py = pybind11;

// A GGUF file, opened directly or borrowed from a model.
class File {
 public:
  File(const hearth_file* file, std::shared_ptr<const void> owner) : file_(file), owner_(std::move(owner)) {}
  const hearth_file* get() const;
  void Close() {
    file_ = nullptr;
    owner_.reset();
  }

 private:
  const hearth_file* file_;
  std::shared_ptr<const void> owner_;  // Frees the file (or the model that owns it) with the last reference.
};

class Model {
 public:
  explicit Model(std::shared_ptr<hearth_model> model) : model_(std::move(model)) {}
  hearth_model* get() const;
  const std::shared_ptr<hearth_model>& shared() const;
  void Close() { model_.reset(); }

 private:
  std::shared_ptr<hearth_model> model_;
};

class Context {
 public:
  // `context` frees the C context with its last reference and keeps the model alive until then; logits views
  // hold a reference too, so closing the context never leaves a view dangling.
  Context(std::shared_ptr<hearth_context> context, int32_t n_vocab)
      : context_(std::move(context)), n_vocab_(n_vocab) {}
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  hearth_context* get() const;
  const std::shared_ptr<hearth_context>& shared() const;
  // One call at a time: a second thread (or a callback re-entering the context) gets RuntimeError instead of
  // a data race. Never blocks, so a waiting thread cannot deadlock against a callback that needs the GIL.
  std::unique_lock<std::mutex> Lock();
  void Close();

  int32_t n_vocab() const { return n_vocab_; }
  // Rows of logits kept by the last eval (0 after truncate).
  int64_t logits_rows = 0;
  bool logits_all = false;

 private:
  std::shared_ptr<hearth_context> context_;
  int32_t n_vocab_;
  std::mutex busy_;
};

class Sampler {
 public:
  Sampler(std::shared_ptr<hearth_model> model, hearth_sampler* sampler)
      : model_(std::move(model)), sampler_(sampler) {}
  ~Sampler() { hearth_sampler_free(sampler_); }
  Sampler(const Sampler&) = delete;
  Sampler& operator=(const Sampler&) = delete;

  hearth_sampler* get() const;
  std::unique_lock<std::mutex> Lock();
  void Close();

 private:
  std::shared_ptr<hearth_model> model_;
  hearth_sampler* sampler_;
  std::mutex busy_;
};

void BindFile(py::module_& m);
void BindModel(py::module_& m);
void BindContext(py::module_& m);
void BindGenerate(py::module_& m);

}  // namespace hearth::python

#endif  // HEARTH_BINDINGS_PYTHON_SRC_EXT_OBJECTS_H_
