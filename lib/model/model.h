// A loaded model: the mapped GGUF file, its hyperparameters, the weight views into the mapping and the
// kernel table used to compute with them. Immutable after Load, so one Model can serve several
// InferenceContexts on different threads.
#ifndef HEARTH_LIB_MODEL_MODEL_H_
#define HEARTH_LIB_MODEL_MODEL_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "kernels/kernel_table.h"
#include "lib/gguf/gguf_file.h"
#include "lib/model/forward.h"
#include "lib/model/model_config.h"
#include "lib/model/model_weights.h"

namespace hearth::tokenizer {
class Tokenizer;
}  // namespace hearth::tokenizer

namespace hearth::model {

struct ModelLoadOptions {
  // Kernels to compute with; null selects them for this CPU (kernels::SelectKernels, honoring HEARTH_ISA).
  const kernels::KernelTable* kernels = nullptr;
  // Convert matrices into the table's interleaved decode layout where it has one (same size; the file
  // pages are released). Off: every matrix is served from the mapping in the file layout.
  bool interleave_weights = true;
};

class Model {
 public:
  static absl::StatusOr<std::unique_ptr<Model>> Load(const std::string& path,
                                                     const ModelLoadOptions& options = {});
  // Takes an already parsed file (tests build small files in memory).
  static absl::StatusOr<std::unique_ptr<Model>> FromFile(std::unique_ptr<gguf::GgufFile> file,
                                                         const ModelLoadOptions& options = {});
  ~Model();

  Model(const Model&) = delete;
  Model& operator=(const Model&) = delete;

  const gguf::GgufFile& file() const { return *file_; }
  const ModelConfig& config() const { return config_; }
  const ModelWeights& weights() const { return weights_; }
  const kernels::KernelTable& kernels() const { return *kernels_; }
  ModelView view() const { return ModelView{&config_, &weights_, kernels_}; }

  // Built from the file's tokenizer.ggml.* metadata; null when the file has no vocabulary.
  const tokenizer::Tokenizer* tokenizer() const { return tokenizer_.get(); }

 private:
  Model() = default;

  std::unique_ptr<gguf::GgufFile> file_;
  ModelConfig config_;
  ModelWeights weights_;
  const kernels::KernelTable* kernels_ = nullptr;
  std::unique_ptr<tokenizer::Tokenizer> tokenizer_;
};

}  // namespace hearth::model

#endif  // HEARTH_LIB_MODEL_MODEL_H_
