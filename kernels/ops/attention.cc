#include "kernels/ops/attention.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "kernels/formats/fp16.h"

namespace hearth::kernels {

void Attend(const float* q, const uint16_t* k, size_t k_stride, const uint16_t* v, size_t v_stride,
            int64_t n_kv, int64_t head_dim, int64_t head_dim_v, float scale, float* out) {
  float scores[kAttendBlock];
  float max = -std::numeric_limits<float>::infinity();
  float sum = 0.0f;
  std::fill(out, out + head_dim_v, 0.0f);
  for (int64_t j0 = 0; j0 < n_kv; j0 += kAttendBlock) {
    const int64_t nb = std::min(kAttendBlock, n_kv - j0);
    float block_max = -std::numeric_limits<float>::infinity();
    for (int64_t j = 0; j < nb; ++j) {
      const uint16_t* kj = k + static_cast<size_t>(j0 + j) * k_stride;
      float dot = 0.0f;
      for (int64_t d = 0; d < head_dim; ++d) dot += q[d] * Fp16ToFp32(kj[d]);
      scores[j] = dot * scale;
      block_max = std::max(block_max, scores[j]);
    }
    if (block_max > max) {
      // Rescale what was accumulated under the old max (exp(-inf) = 0 on the first block).
      const float factor = std::exp(max - block_max);
      sum *= factor;
      for (int64_t d = 0; d < head_dim_v; ++d) out[d] *= factor;
      max = block_max;
    }
    for (int64_t j = 0; j < nb; ++j) {
      const float p = std::exp(scores[j] - max);
      sum += p;
      const uint16_t* vj = v + static_cast<size_t>(j0 + j) * v_stride;
      for (int64_t d = 0; d < head_dim_v; ++d) out[d] += p * Fp16ToFp32(vj[d]);
    }
  }
  const float inv = 1.0f / sum;
  for (int64_t d = 0; d < head_dim_v; ++d) out[d] *= inv;
}

void AttendRows(const float* const* q, int64_t n_rows, const int64_t* n_kv, const uint16_t* k,
                size_t k_stride, const uint16_t* v, size_t v_stride, int64_t head_dim, int64_t head_dim_v,
                float scale, float* const* out) {
  for (int64_t r = 0; r < n_rows; ++r) {
    Attend(q[r], k, k_stride, v, v_stride, n_kv[r], head_dim, head_dim_v, scale, out[r]);
  }
}

}  // namespace hearth::kernels
