// AVX2 float ops of the forward pass (RMSNorm, softmax, SiLU-mul, add, RoPE) and the F16-cache attention
// kernel. Same contracts as the scalar references in kernels/ops; sums run in f32 lanes, so results
// differ from the references by rounding only. Tails shorter than a vector run the scalar formulas.
#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "kernels/formats/fp16.h"
#include "kernels/ops/attention.h"
#include "kernels/x86_avx2/avx2_kernels.h"

namespace hearth::kernels::avx2 {
namespace {

inline float HorizontalSum(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

inline float HorizontalMax(__m256 v) {
  __m128 s = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_max_ps(s, _mm_movehl_ps(s, s));
  s = _mm_max_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

// e^x per lane; see the AVX-512 version for the method. Inputs below -87.3 give 0.
inline __m256 Exp(__m256 x) {
  const __m256 underflow = _mm256_cmp_ps(x, _mm256_set1_ps(-87.3f), _CMP_LT_OQ);
  x = _mm256_min_ps(_mm256_max_ps(x, _mm256_set1_ps(-87.3f)), _mm256_set1_ps(88.3f));
  const __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)),
                                   _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693145751953125f), x);
  r = _mm256_fnmadd_ps(n, _mm256_set1_ps(1.428606765330187045e-06f), r);
  __m256 p = _mm256_set1_ps(1.0f / 720.0f);
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 120.0f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 24.0f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 6.0f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(0.5f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f));
  const __m256i bits =
      _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
  return _mm256_andnot_ps(underflow, _mm256_mul_ps(p, _mm256_castsi256_ps(bits)));
}

inline float ExpScalar(float x) { return x < -87.3f ? 0.0f : std::exp(x); }

void RmsNorm(const float* x, const float* weight, int64_t n, float eps, float* out) {
  __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m256 a = _mm256_loadu_ps(x + i), b = _mm256_loadu_ps(x + i + 8);
    acc0 = _mm256_fmadd_ps(a, a, acc0);
    acc1 = _mm256_fmadd_ps(b, b, acc1);
  }
  for (; i + 8 <= n; i += 8) {
    const __m256 a = _mm256_loadu_ps(x + i);
    acc0 = _mm256_fmadd_ps(a, a, acc0);
  }
  float ss = HorizontalSum(_mm256_add_ps(acc0, acc1));
  for (; i < n; ++i) ss += x[i] * x[i];
  const float s = 1.0f / std::sqrt(ss / static_cast<float>(n) + eps);
  const __m256 scale = _mm256_set1_ps(s);
  for (i = 0; i + 8 <= n; i += 8) {
    __m256 y = _mm256_mul_ps(_mm256_loadu_ps(x + i), scale);
    if (weight != nullptr) y = _mm256_mul_ps(y, _mm256_loadu_ps(weight + i));
    _mm256_storeu_ps(out + i, y);
  }
  for (; i < n; ++i) out[i] = weight != nullptr ? (x[i] * s) * weight[i] : x[i] * s;
}

void Softmax(float* x, int64_t n) {
  const float neg_inf = -std::numeric_limits<float>::infinity();
  __m256 vmax = _mm256_set1_ps(neg_inf);
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) vmax = _mm256_max_ps(vmax, _mm256_loadu_ps(x + i));
  float max = HorizontalMax(vmax);
  for (; i < n; ++i) max = std::max(max, x[i]);
  if (max == neg_inf) {
    std::fill(x, x + n, 0.0f);
    return;
  }
  const __m256 vm = _mm256_set1_ps(max);
  __m256 vsum = _mm256_setzero_ps();
  for (i = 0; i + 8 <= n; i += 8) {
    const __m256 e = Exp(_mm256_sub_ps(_mm256_loadu_ps(x + i), vm));
    vsum = _mm256_add_ps(vsum, e);
    _mm256_storeu_ps(x + i, e);
  }
  float sum = HorizontalSum(vsum);
  for (; i < n; ++i) {
    x[i] = ExpScalar(x[i] - max);
    sum += x[i];
  }
  const float inv = 1.0f / sum;
  const __m256 vinv = _mm256_set1_ps(inv);
  for (i = 0; i + 8 <= n; i += 8) _mm256_storeu_ps(x + i, _mm256_mul_ps(_mm256_loadu_ps(x + i), vinv));
  for (; i < n; ++i) x[i] *= inv;
}

void SiluMul(const float* gate, const float* up, int64_t n, float* out) {
  const __m256 one = _mm256_set1_ps(1.0f);
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256 g = _mm256_loadu_ps(gate + i);
    const __m256 silu = _mm256_div_ps(g, _mm256_add_ps(one, Exp(_mm256_sub_ps(_mm256_setzero_ps(), g))));
    _mm256_storeu_ps(out + i, _mm256_mul_ps(silu, _mm256_loadu_ps(up + i)));
  }
  for (; i < n; ++i) out[i] = gate[i] / (1.0f + std::exp(-gate[i])) * up[i];
}

void Add(const float* a, const float* b, int64_t n, float* out) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    _mm256_storeu_ps(out + i, _mm256_add_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i)));
  }
  for (; i < n; ++i) out[i] = a[i] + b[i];
}

void Rope(float* x, int n_rot, bool neox, const float* cos_t, const float* sin_t) {
  const int half = n_rot / 2;
  int i = 0;
  if (neox) {
    for (; i + 8 <= half; i += 8) {
      const __m256 c = _mm256_loadu_ps(cos_t + i), s = _mm256_loadu_ps(sin_t + i);
      const __m256 x0 = _mm256_loadu_ps(x + i), x1 = _mm256_loadu_ps(x + i + half);
      _mm256_storeu_ps(x + i, _mm256_fmsub_ps(x0, c, _mm256_mul_ps(x1, s)));
      _mm256_storeu_ps(x + i + half, _mm256_fmadd_ps(x0, s, _mm256_mul_ps(x1, c)));
    }
  } else {
    // 4 adjacent pairs per vector: cos/sin duplicated per pair, pairs swapped, fmaddsub.
    const __m256i dup = _mm256_set_epi32(3, 3, 2, 2, 1, 1, 0, 0);
    for (; i + 4 <= half; i += 4) {
      const __m256 c = _mm256_permutevar8x32_ps(_mm256_castps128_ps256(_mm_loadu_ps(cos_t + i)), dup);
      const __m256 s = _mm256_permutevar8x32_ps(_mm256_castps128_ps256(_mm_loadu_ps(sin_t + i)), dup);
      const __m256 v = _mm256_loadu_ps(x + 2 * i);
      const __m256 swapped = _mm256_permute_ps(v, 0xB1);
      _mm256_storeu_ps(x + 2 * i, _mm256_fmaddsub_ps(v, c, _mm256_mul_ps(swapped, s)));
    }
  }
  for (; i < half; ++i) {
    const int a = neox ? i : 2 * i;
    const int b = neox ? i + half : 2 * i + 1;
    const float x0 = x[a], x1 = x[b];
    x[a] = x0 * cos_t[i] - x1 * sin_t[i];
    x[b] = x0 * sin_t[i] + x1 * cos_t[i];
  }
}

inline __m256 LoadF16(const uint16_t* p) {
  return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
}

inline float DotF16(const float* q, const uint16_t* k, int64_t n) {
  __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
  int64_t d = 0;
  for (; d + 16 <= n; d += 16) {
    acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(q + d), LoadF16(k + d), acc0);
    acc1 = _mm256_fmadd_ps(_mm256_loadu_ps(q + d + 8), LoadF16(k + d + 8), acc1);
  }
  for (; d + 8 <= n; d += 8) acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(q + d), LoadF16(k + d), acc0);
  float dot = HorizontalSum(_mm256_add_ps(acc0, acc1));
  for (; d < n; ++d) dot += q[d] * Fp16ToFp32(k[d]);
  return dot;
}

void Attend(const float* q, const uint16_t* k, size_t k_stride, const uint16_t* v, size_t v_stride,
            int64_t n_kv, int64_t head_dim, int64_t head_dim_v, float scale, float* out) {
  alignas(32) float scores[kAttendBlock];
  float max = -std::numeric_limits<float>::infinity();
  float sum = 0.0f;
  std::fill(out, out + head_dim_v, 0.0f);
  const int64_t dv_vec = head_dim_v / 8 * 8;
  for (int64_t j0 = 0; j0 < n_kv; j0 += kAttendBlock) {
    const int64_t nb = std::min(kAttendBlock, n_kv - j0);
    float block_max = -std::numeric_limits<float>::infinity();
    for (int64_t j = 0; j < nb; ++j) {
      scores[j] = DotF16(q, k + static_cast<size_t>(j0 + j) * k_stride, head_dim) * scale;
      block_max = std::max(block_max, scores[j]);
    }
    if (block_max > max) {
      const float factor = std::exp(max - block_max);  // 0 on the first block.
      sum *= factor;
      for (int64_t d = 0; d < head_dim_v; ++d) out[d] *= factor;
      max = block_max;
    }
    const __m256 vmax = _mm256_set1_ps(max);
    __m256 vsum = _mm256_setzero_ps();
    int64_t j = 0;
    for (; j + 8 <= nb; j += 8) {
      const __m256 p = Exp(_mm256_sub_ps(_mm256_loadu_ps(scores + j), vmax));
      vsum = _mm256_add_ps(vsum, p);
      _mm256_storeu_ps(scores + j, p);
    }
    sum += HorizontalSum(vsum);
    for (; j < nb; ++j) {
      scores[j] = ExpScalar(scores[j] - max);
      sum += scores[j];
    }
    const uint16_t* vb = v + static_cast<size_t>(j0) * v_stride;
    for (int64_t d = 0; d < dv_vec; d += 8) {
      __m256 acc = _mm256_loadu_ps(out + d);
      for (j = 0; j < nb; ++j) {
        const __m256 vv = LoadF16(vb + static_cast<size_t>(j) * v_stride + d);
        acc = _mm256_fmadd_ps(_mm256_set1_ps(scores[j]), vv, acc);
      }
      _mm256_storeu_ps(out + d, acc);
    }
    for (int64_t d = dv_vec; d < head_dim_v; ++d) {
      for (j = 0; j < nb; ++j) out[d] += scores[j] * Fp16ToFp32(vb[static_cast<size_t>(j) * v_stride + d]);
    }
  }
  const float inv = 1.0f / sum;
  for (int64_t d = 0; d < head_dim_v; ++d) out[d] *= inv;
}

// Vector traits of the tiled many-row kernel: blocks of 8 keys, 12 rows' scores in registers (of 16).
struct AttVec {
  static constexpr int kLanes = 8;
  static constexpr int kMaxRows = 12;
  using F = __m256;
  static F Zero() { return _mm256_setzero_ps(); }
  static F Set1(float x) { return _mm256_set1_ps(x); }
  static F Load(const float* p) { return _mm256_loadu_ps(p); }
  static void Store(float* p, F v) { _mm256_storeu_ps(p, v); }
  static F Fmadd(F a, F b, F c) { return _mm256_fmadd_ps(a, b, c); }
  static F Mul(F a, F b) { return _mm256_mul_ps(a, b); }
  static F Sub(F a, F b) { return _mm256_sub_ps(a, b); }
  static F ExpV(F v) { return Exp(v); }
  static float ReduceMax(F v) { return HorizontalMax(v); }
  static float ReduceAdd(F v) { return HorizontalSum(v); }
  static F MaskKeys(F v, int valid) {
    const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    const __m256 keep = _mm256_castsi256_ps(_mm256_cmpgt_epi32(_mm256_set1_epi32(valid), lane));
    return _mm256_blendv_ps(_mm256_set1_ps(-std::numeric_limits<float>::infinity()), v, keep);
  }
};

#include "kernels/x86_common/attend_rows.inc"

}  // namespace

void RegisterFloatOps(KernelTable& table) {
  table.rms_norm = RmsNorm;
  table.softmax = Softmax;
  table.silu_mul = SiluMul;
  table.add = Add;
  table.rope = Rope;
  table.attend = Attend;
  table.attend_rows = AttendRows;
}

}  // namespace hearth::kernels::avx2
