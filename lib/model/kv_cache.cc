#include "lib/model/kv_cache.h"

#include "absl/strings/str_cat.h"

namespace hearth::model {

absl::StatusOr<KvCache> KvCache::Create(const ModelConfig& config, int64_t n_ctx) {
  if (n_ctx <= 0) {
    return absl::InvalidArgumentError(absl::StrCat("KV cache context length ", n_ctx,
                                                   " must be positive"));
  }
  KvCache cache;
  cache.n_ctx_ = n_ctx;
  cache.k_row_ = config.k_dim();
  cache.v_row_ = config.v_dim();
  // Refuse sizes that cannot be addressed rather than failing inside the allocator.
  const double halves = static_cast<double>(config.n_layer) * static_cast<double>(n_ctx) *
                        static_cast<double>(cache.k_row_ + cache.v_row_);
  if (halves * 2.0 > static_cast<double>(int64_t{1} << 40)) {
    return absl::ResourceExhaustedError(absl::StrCat("KV cache for ", n_ctx,
                                                     " positions would need ", halves * 2.0 / 1e9,
                                                     " GB"));
  }
  cache.k_.assign(static_cast<size_t>(config.n_layer * n_ctx * cache.k_row_), 0);
  cache.v_.assign(static_cast<size_t>(config.n_layer * n_ctx * cache.v_row_), 0);
  return cache;
}

}  // namespace hearth::model
