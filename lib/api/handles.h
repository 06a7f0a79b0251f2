// The objects behind the opaque C handles.
#ifndef HEARTH_LIB_API_HANDLES_H_
#define HEARTH_LIB_API_HANDLES_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "hearth/hearth.h"
#include "lib/api/api_internal.h"
#include "lib/gguf/gguf_file.h"
#include "lib/model/inference_context.h"
#include "lib/model/model.h"
#include "lib/sampling/sampler.h"
#include "lib/tokenizer/tokenizer.h"

struct hearth_model {
  // A full model, or (vocab_only) just the parsed file and its tokenizer.
  std::unique_ptr<hearth::model::Model> model;
  std::unique_ptr<hearth::gguf::GgufFile> vocab_file;
  std::unique_ptr<hearth::tokenizer::Tokenizer> vocab_tokenizer;

  const hearth::gguf::GgufFile* gguf = nullptr;
  const hearth::tokenizer::Tokenizer* tokenizer = nullptr;  // Null if the file has no vocabulary.
  hearth_file file_handle;                                  // Non-owning view for hearth_model_file.
  hearth_model_info info{};
  std::string architecture;
};

struct hearth_context {
  hearth_model* model = nullptr;
  std::unique_ptr<hearth::model::InferenceContext> ctx;
  bool logits_all = false;
  // Rows of the last batch when it took several forward passes (LOGITS_ALL over more than n_batch).
  std::vector<float> joined_logits;
  int64_t batch_rows = 0;   // Rows of logits the last batch kept (count for ALL, 1 for LAST).
  int64_t batch_count = 0;  // Tokens in the last batch.
  bool joined = false;
};

struct hearth_sampler {
  const hearth_model* model = nullptr;
  std::unique_ptr<hearth::sampling::Sampler> sampler;
};

#endif  // HEARTH_LIB_API_HANDLES_H_
