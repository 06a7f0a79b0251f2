// The attention key/value cache: F16 K and V for every layer and position, preallocated for the context
// length the caller asked for. Layout per layer: position-major, [n_ctx][n_head_kv * head_dim] halves, so
// one position's heads are contiguous and appending a token writes one row.
#ifndef HEARTH_LIB_MODEL_KV_CACHE_H_
#define HEARTH_LIB_MODEL_KV_CACHE_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/model/model_config.h"

namespace hearth::model {

class KvCache {
 public:
  static absl::StatusOr<KvCache> Create(const ModelConfig& config, int64_t n_ctx);

  int64_t n_ctx() const { return n_ctx_; }
  int64_t k_row() const { return k_row_; }  // Halves per position of K (n_head_kv * head_dim_k).
  int64_t v_row() const { return v_row_; }

  uint16_t* k(int64_t layer, int64_t pos) { return k_.data() + Offset(layer, pos, k_row_); }
  uint16_t* v(int64_t layer, int64_t pos) { return v_.data() + Offset(layer, pos, v_row_); }
  const uint16_t* k(int64_t layer, int64_t pos) const { return k_.data() + Offset(layer, pos, k_row_); }
  const uint16_t* v(int64_t layer, int64_t pos) const { return v_.data() + Offset(layer, pos, v_row_); }

  size_t bytes() const { return (k_.size() + v_.size()) * sizeof(uint16_t); }

 private:
  size_t Offset(int64_t layer, int64_t pos, int64_t row) const {
    return static_cast<size_t>((layer * n_ctx_ + pos) * row);
  }

  int64_t n_ctx_ = 0;
  int64_t k_row_ = 0;
  int64_t v_row_ = 0;
  std::vector<uint16_t> k_;
  std::vector<uint16_t> v_;
};

}  // namespace hearth::model

#endif  // HEARTH_LIB_MODEL_KV_CACHE_H_
