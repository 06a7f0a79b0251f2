// Builds tiny random-weight GGUF models in memory (F32 weights) for tests of loading errors and context
// behavior. Options let a test drop a tensor, change a shape, or name another architecture.
#ifndef HEARTH_TESTS_LIB_MODEL_SYNTHETIC_MODEL_H_
#define HEARTH_TESTS_LIB_MODEL_SYNTHETIC_MODEL_H_

#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/gguf/gguf_file.h"
#include "lib/gguf/gguf_writer.h"
#include "lib/model/model.h"

namespace hearth::model::testing {

struct SyntheticSpec {
  std::string arch = "llama";
  int64_t n_embd = 32;
  int64_t n_layer = 2;
  int64_t n_ff = 64;
  int64_t n_head = 4;
  int64_t n_head_kv = 2;
  int64_t n_vocab = 40;
  int64_t n_ctx_train = 64;
  std::string skip_tensor;                                 // Leave this tensor out.
  std::map<std::string, std::vector<int64_t>> shape_override;  // Write these tensors with another shape.
  bool skip_hparam_embd = false;                           // Leave out {arch}.embedding_length.
};

// Owns the serialized bytes (GgufFile::Parse keeps pointing into them) and the model.
struct SyntheticModel {
  std::unique_ptr<std::string> bytes;  // Heap-held so moving the struct never moves the buffer.
  std::unique_ptr<Model> model;
};

inline absl::StatusOr<SyntheticModel> BuildSyntheticModel(const SyntheticSpec& spec) {
  using gguf::Value;
  using gguf::ValueType;
  gguf::GgufWriter writer;
  const std::string& a = spec.arch;
  writer.SetValue("general.architecture", Value::String(a));
  if (!spec.skip_hparam_embd) {
    writer.SetValue(a + ".embedding_length", Value::Uint(ValueType::kUint32, spec.n_embd));
  }
  writer.SetValue(a + ".block_count", Value::Uint(ValueType::kUint32, spec.n_layer));
  writer.SetValue(a + ".feed_forward_length", Value::Uint(ValueType::kUint32, spec.n_ff));
  writer.SetValue(a + ".attention.head_count", Value::Uint(ValueType::kUint32, spec.n_head));
  writer.SetValue(a + ".attention.head_count_kv", Value::Uint(ValueType::kUint32, spec.n_head_kv));
  writer.SetValue(a + ".context_length", Value::Uint(ValueType::kUint32, spec.n_ctx_train));
  writer.SetValue(a + ".vocab_size", Value::Uint(ValueType::kUint32, spec.n_vocab));
  writer.SetValue(a + ".attention.layer_norm_rms_epsilon", Value::Float(ValueType::kFloat32, 1e-6));
  writer.SetValue(a + ".rope.freq_base", Value::Float(ValueType::kFloat32, 10000.0));

  const int64_t hd = spec.n_embd / spec.n_head;
  struct Tensor {
    std::string name;
    std::vector<int64_t> shape;
    bool is_norm;
  };
  std::vector<Tensor> tensors = {{"token_embd.weight", {spec.n_embd, spec.n_vocab}, false},
                                 {"output_norm.weight", {spec.n_embd}, true}};
  for (int64_t i = 0; i < spec.n_layer; ++i) {
    const std::string p = "blk." + std::to_string(i) + ".";
    tensors.push_back({p + "attn_norm.weight", {spec.n_embd}, true});
    tensors.push_back({p + "attn_q.weight", {spec.n_embd, spec.n_head * hd}, false});
    tensors.push_back({p + "attn_k.weight", {spec.n_embd, spec.n_head_kv * hd}, false});
    tensors.push_back({p + "attn_v.weight", {spec.n_embd, spec.n_head_kv * hd}, false});
    tensors.push_back({p + "attn_output.weight", {spec.n_head * hd, spec.n_embd}, false});
    if (a == "qwen2") {
      tensors.push_back({p + "attn_q.bias", {spec.n_head * hd}, false});
      tensors.push_back({p + "attn_k.bias", {spec.n_head_kv * hd}, false});
      tensors.push_back({p + "attn_v.bias", {spec.n_head_kv * hd}, false});
    }
    if (a == "qwen3") {
      tensors.push_back({p + "attn_q_norm.weight", {hd}, true});
      tensors.push_back({p + "attn_k_norm.weight", {hd}, true});
    }
    tensors.push_back({p + "ffn_norm.weight", {spec.n_embd}, true});
    tensors.push_back({p + "ffn_gate.weight", {spec.n_embd, spec.n_ff}, false});
    tensors.push_back({p + "ffn_up.weight", {spec.n_embd, spec.n_ff}, false});
    tensors.push_back({p + "ffn_down.weight", {spec.n_ff, spec.n_embd}, false});
  }

  std::mt19937 rng(1234);
  std::normal_distribution<float> normal(0.0f, 0.3f);
  std::vector<std::vector<float>> data;  // Must stay alive until Serialize.
  data.reserve(tensors.size());
  for (Tensor& t : tensors) {
    if (t.name == spec.skip_tensor) continue;
    if (auto it = spec.shape_override.find(t.name); it != spec.shape_override.end()) t.shape = it->second;
    int64_t n = 1;
    for (int64_t d : t.shape) n *= d;
    std::vector<float> values(static_cast<size_t>(n));
    for (float& v : values) v = t.is_norm ? 1.0f + 0.1f * normal(rng) : normal(rng);
    data.push_back(std::move(values));
    const std::vector<float>& stored = data.back();
    absl::Status status = writer.AddTensor(
        t.name, GgmlType::kF32, t.shape,
        absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(stored.data()), stored.size() * sizeof(float)));
    if (!status.ok()) return status;
  }
  SyntheticModel out;
  absl::StatusOr<std::string> bytes = writer.Serialize();
  if (!bytes.ok()) return bytes.status();
  out.bytes = std::make_unique<std::string>(std::move(*bytes));
  absl::StatusOr<std::unique_ptr<gguf::GgufFile>> file = gguf::GgufFile::Parse(absl::MakeConstSpan(
      reinterpret_cast<const uint8_t*>(out.bytes->data()), out.bytes->size()));
  if (!file.ok()) return file.status();
  absl::StatusOr<std::unique_ptr<Model>> model = Model::FromFile(std::move(*file));
  if (!model.ok()) return model.status();
  out.model = std::move(*model);
  return out;
}

}  // namespace hearth::model::testing

#endif  // HEARTH_TESTS_LIB_MODEL_SYNTHETIC_MODEL_H_
