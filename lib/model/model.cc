#include "lib/model/model.h"

#include <utility>

#include "kernels/dispatch.h"
#include "lib/tokenizer/tokenizer.h"
#include "lib/util/status_macros.h"

namespace hearth::model {

Model::~Model() = default;

absl::StatusOr<std::unique_ptr<Model>> Model::Load(const std::string& path,
                                                   const ModelLoadOptions& options) {
  HEARTH_ASSIGN_OR_RETURN(std::unique_ptr<gguf::GgufFile> file, gguf::GgufFile::Open(path));
  return FromFile(std::move(file), options);
}

absl::StatusOr<std::unique_ptr<Model>> Model::FromFile(std::unique_ptr<gguf::GgufFile> file,
                                                       const ModelLoadOptions& options) {
  std::unique_ptr<Model> model(new Model());
  model->file_ = std::move(file);
  model->kernels_ = options.kernels;
  if (model->kernels_ == nullptr) {
    HEARTH_ASSIGN_OR_RETURN(model->kernels_, kernels::SelectKernels());
  }
  HEARTH_ASSIGN_OR_RETURN(model->config_, ReadModelConfig(*model->file_));
  HEARTH_ASSIGN_OR_RETURN(model->weights_,
                          BindWeights(*model->file_, model->config_, *model->kernels_));
  if (options.interleave_weights) {
    HEARTH_RETURN_IF_ERROR(InterleaveWeights(*model->file_, *model->kernels_, model->weights_));
  }
  // Files without a vocabulary (weights-only test files) load without a tokenizer.
  if (model->file_->metadata().Contains("tokenizer.ggml.model")) {
    HEARTH_ASSIGN_OR_RETURN(model->tokenizer_, tokenizer::Tokenizer::Create(model->file_->metadata()));
  }
  return model;
}

}  // namespace hearth::model
