// AVX-512 float ops of the forward pass (RMSNorm, softmax, SiLU-mul, add, RoPE) and the F16-cache
// attention kernel. Same contracts as the scalar references in kernels/ops; sums run in f32 lanes, so
// results differ from the references by rounding only. Tails use masked loads and stores.
#include "kernels/x86_avx512/avx512_util.h"  // First: it includes <immintrin.h> (see there).

#include <algorithm>
#include <cmath>
#include <limits>

#include "kernels/ops/attention.h"
#include "kernels/x86_avx512/avx512_kernels.h"

namespace hearth::kernels::avx512 {
namespace {

inline __mmask16 TailMask(int64_t n) { return static_cast<__mmask16>((1u << n) - 1u); }

// e^x for each lane: x = n ln2 + r with |r| <= ln2/2, e^r by its degree-6 Taylor polynomial (relative
// error ~1e-7), 2^n built in the exponent bits. Inputs below -87.3 give 0 (so exp(-inf) = 0); inputs
// above 88.3 are clamped (the callers never pass them: softmax subtracts the max first).
inline __m512 Exp(__m512 x) {
  const __mmask16 underflow = _mm512_cmp_ps_mask(x, _mm512_set1_ps(-87.3f), _CMP_LT_OQ);
  x = _mm512_min_ps(_mm512_max_ps(x, _mm512_set1_ps(-87.3f)), _mm512_set1_ps(88.3f));
  const __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)),
                                        _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693145751953125f), x);
  r = _mm512_fnmadd_ps(n, _mm512_set1_ps(1.428606765330187045e-06f), r);
  __m512 p = _mm512_set1_ps(1.0f / 720.0f);
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 120.0f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 24.0f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 6.0f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(0.5f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f));
  const __m512i bits = _mm512_slli_epi32(_mm512_add_epi32(_mm512_cvtps_epi32(n), _mm512_set1_epi32(127)), 23);
  const __m512 y = _mm512_mul_ps(p, _mm512_castsi512_ps(bits));
  return _mm512_mask_blend_ps(underflow, y, _mm512_setzero_ps());
}

void RmsNorm(const float* x, const float* weight, int64_t n, float eps, float* out) {
  __m512 acc0 = _mm512_setzero_ps(), acc1 = _mm512_setzero_ps();
  int64_t i = 0;
  for (; i + 32 <= n; i += 32) {
    const __m512 a = _mm512_loadu_ps(x + i), b = _mm512_loadu_ps(x + i + 16);
    acc0 = _mm512_fmadd_ps(a, a, acc0);
    acc1 = _mm512_fmadd_ps(b, b, acc1);
  }
  for (; i < n; i += 16) {
    const __m512 a = _mm512_maskz_loadu_ps(TailMask(std::min<int64_t>(16, n - i)), x + i);
    acc0 = _mm512_fmadd_ps(a, a, acc0);
  }
  const float mean = _mm512_reduce_add_ps(_mm512_add_ps(acc0, acc1)) / static_cast<float>(n);
  const __m512 scale = _mm512_set1_ps(1.0f / std::sqrt(mean + eps));
  for (i = 0; i < n; i += 16) {
    const __mmask16 m = TailMask(std::min<int64_t>(16, n - i));
    __m512 y = _mm512_mul_ps(_mm512_maskz_loadu_ps(m, x + i), scale);
    if (weight != nullptr) y = _mm512_mul_ps(y, _mm512_maskz_loadu_ps(m, weight + i));
    _mm512_mask_storeu_ps(out + i, m, y);
  }
}

void Softmax(float* x, int64_t n) {
  const float neg_inf = -std::numeric_limits<float>::infinity();
  __m512 vmax = _mm512_set1_ps(neg_inf);
  for (int64_t i = 0; i < n; i += 16) {
    const __mmask16 m = TailMask(std::min<int64_t>(16, n - i));
    vmax = _mm512_max_ps(vmax, _mm512_mask_loadu_ps(_mm512_set1_ps(neg_inf), m, x + i));
  }
  const float max = _mm512_reduce_max_ps(vmax);
  if (max == neg_inf) {
    std::fill(x, x + n, 0.0f);
    return;
  }
  const __m512 vm = _mm512_set1_ps(max);
  __m512 sum = _mm512_setzero_ps();
  for (int64_t i = 0; i < n; i += 16) {
    const __mmask16 m = TailMask(std::min<int64_t>(16, n - i));
    const __m512 e = Exp(_mm512_sub_ps(_mm512_maskz_loadu_ps(m, x + i), vm));
    sum = _mm512_mask_add_ps(sum, m, sum, e);
    _mm512_mask_storeu_ps(x + i, m, e);
  }
  const __m512 inv = _mm512_set1_ps(1.0f / _mm512_reduce_add_ps(sum));
  for (int64_t i = 0; i < n; i += 16) {
    const __mmask16 m = TailMask(std::min<int64_t>(16, n - i));
    _mm512_mask_storeu_ps(x + i, m, _mm512_mul_ps(_mm512_maskz_loadu_ps(m, x + i), inv));
  }
}

void SiluMul(const float* gate, const float* up, int64_t n, float* out) {
  const __m512 one = _mm512_set1_ps(1.0f);
  for (int64_t i = 0; i < n; i += 16) {
    const __mmask16 m = TailMask(std::min<int64_t>(16, n - i));
    const __m512 g = _mm512_maskz_loadu_ps(m, gate + i);
    const __m512 u = _mm512_maskz_loadu_ps(m, up + i);
    const __m512 silu = _mm512_div_ps(g, _mm512_add_ps(one, Exp(_mm512_sub_ps(_mm512_setzero_ps(), g))));
    _mm512_mask_storeu_ps(out + i, m, _mm512_mul_ps(silu, u));
  }
}

void Add(const float* a, const float* b, int64_t n, float* out) {
  for (int64_t i = 0; i < n; i += 16) {
    const __mmask16 m = TailMask(std::min<int64_t>(16, n - i));
    _mm512_mask_storeu_ps(out + i, m,
                          _mm512_add_ps(_mm512_maskz_loadu_ps(m, a + i), _mm512_maskz_loadu_ps(m, b + i)));
  }
}

void Rope(float* x, int n_rot, bool neox, const float* cos_t, const float* sin_t) {
  const int half = n_rot / 2;
  if (neox) {
    // Pairs (x[i], x[i + half]): both halves are contiguous vectors.
    for (int i = 0; i < half; i += 16) {
      const __mmask16 m = TailMask(std::min(16, half - i));
      const __m512 c = _mm512_maskz_loadu_ps(m, cos_t + i), s = _mm512_maskz_loadu_ps(m, sin_t + i);
      const __m512 x0 = _mm512_maskz_loadu_ps(m, x + i), x1 = _mm512_maskz_loadu_ps(m, x + i + half);
      _mm512_mask_storeu_ps(x + i, m, _mm512_fmsub_ps(x0, c, _mm512_mul_ps(x1, s)));
      _mm512_mask_storeu_ps(x + i + half, m, _mm512_fmadd_ps(x0, s, _mm512_mul_ps(x1, c)));
    }
    return;
  }
  // Adjacent pairs: 8 pairs per vector; cos/sin are duplicated per pair and the pair swapped, so
  // even lanes get x0 c - x1 s and odd lanes x1 c + x0 s (fmaddsub).
  const __m512i dup = _mm512_set_epi32(7, 7, 6, 6, 5, 5, 4, 4, 3, 3, 2, 2, 1, 1, 0, 0);
  for (int i = 0; i < half; i += 8) {
    const int pairs = std::min(8, half - i);
    const __mmask16 mp = TailMask(pairs);
    const __mmask16 mx = TailMask(2 * pairs);
    const __m512 c = _mm512_permutexvar_ps(dup, _mm512_maskz_loadu_ps(mp, cos_t + i));
    const __m512 s = _mm512_permutexvar_ps(dup, _mm512_maskz_loadu_ps(mp, sin_t + i));
    const __m512 v = _mm512_maskz_loadu_ps(mx, x + 2 * i);
    const __m512 swapped = _mm512_permute_ps(v, 0xB1);
    _mm512_mask_storeu_ps(x + 2 * i, mx, _mm512_fmaddsub_ps(v, c, _mm512_mul_ps(swapped, s)));
  }
}

// q . k for one F16 key row of n values (q in f32).
inline float DotF16(const float* q, const uint16_t* k, int64_t n) {
  __m512 acc0 = _mm512_setzero_ps(), acc1 = _mm512_setzero_ps();
  int64_t d = 0;
  for (; d + 32 <= n; d += 32) {
    const __m512 k0 = _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(k + d)));
    const __m512 k1 = _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(k + d + 16)));
    acc0 = _mm512_fmadd_ps(_mm512_loadu_ps(q + d), k0, acc0);
    acc1 = _mm512_fmadd_ps(_mm512_loadu_ps(q + d + 16), k1, acc1);
  }
  for (; d < n; d += 16) {
    const __mmask16 m = TailMask(std::min<int64_t>(16, n - d));
    const __m512 kv = _mm512_cvtph_ps(_mm256_maskz_loadu_epi16(m, k + d));
    acc0 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, q + d), kv, acc0);
  }
  return _mm512_reduce_add_ps(_mm512_add_ps(acc0, acc1));
}

void Attend(const float* q, const uint16_t* k, size_t k_stride, const uint16_t* v, size_t v_stride,
            int64_t n_kv, int64_t head_dim, int64_t head_dim_v, float scale, float* out) {
  alignas(64) float scores[kAttendBlock];
  float max = -std::numeric_limits<float>::infinity();
  float sum = 0.0f;
  std::fill(out, out + head_dim_v, 0.0f);
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
      const __m512 f = _mm512_set1_ps(factor);
      for (int64_t d = 0; d < head_dim_v; d += 16) {
        const __mmask16 m = TailMask(std::min<int64_t>(16, head_dim_v - d));
        _mm512_mask_storeu_ps(out + d, m, _mm512_mul_ps(_mm512_maskz_loadu_ps(m, out + d), f));
      }
      max = block_max;
    }
    const __m512 vmax = _mm512_set1_ps(max);
    __m512 vsum = _mm512_setzero_ps();
    for (int64_t j = 0; j < nb; j += 16) {
      const __mmask16 m = TailMask(std::min<int64_t>(16, nb - j));
      const __m512 p = Exp(_mm512_sub_ps(_mm512_maskz_loadu_ps(m, scores + j), vmax));
      vsum = _mm512_mask_add_ps(vsum, m, vsum, p);
      _mm512_mask_storeu_ps(scores + j, m, p);
    }
    sum += _mm512_reduce_add_ps(vsum);
    // out += p_j v_j, 16 output values at a time over all keys of the block (out chunk stays in a register).
    for (int64_t d = 0; d < head_dim_v; d += 16) {
      const __mmask16 m = TailMask(std::min<int64_t>(16, head_dim_v - d));
      __m512 acc = _mm512_maskz_loadu_ps(m, out + d);
      const uint16_t* vd = v + static_cast<size_t>(j0) * v_stride + d;
      for (int64_t j = 0; j < nb; ++j) {
        const uint16_t* vj = vd + static_cast<size_t>(j) * v_stride;
        const __m512 vv = _mm512_cvtph_ps(_mm256_maskz_loadu_epi16(m, vj));
        acc = _mm512_fmadd_ps(_mm512_set1_ps(scores[j]), vv, acc);
      }
      _mm512_mask_storeu_ps(out + d, m, acc);
    }
  }
  const __m512 inv = _mm512_set1_ps(1.0f / sum);
  for (int64_t d = 0; d < head_dim_v; d += 16) {
    const __mmask16 m = TailMask(std::min<int64_t>(16, head_dim_v - d));
    _mm512_mask_storeu_ps(out + d, m, _mm512_mul_ps(_mm512_maskz_loadu_ps(m, out + d), inv));
  }
}

// Vector traits of the tiled many-row kernel: blocks of 16 keys, 24 rows' scores in registers.
struct AttVec {
  static constexpr int kLanes = 16;
  static constexpr int kMaxRows = static_cast<int>(kAttendTileRows);
  using F = __m512;
  static F Zero() { return _mm512_setzero_ps(); }
  static F Set1(float x) { return _mm512_set1_ps(x); }
  static F Load(const float* p) { return _mm512_loadu_ps(p); }
  static void Store(float* p, F v) { _mm512_storeu_ps(p, v); }
  static F Fmadd(F a, F b, F c) { return _mm512_fmadd_ps(a, b, c); }
  static F Mul(F a, F b) { return _mm512_mul_ps(a, b); }
  static F Sub(F a, F b) { return _mm512_sub_ps(a, b); }
  static F ExpV(F v) { return Exp(v); }
  static float ReduceMax(F v) { return _mm512_reduce_max_ps(v); }
  static float ReduceAdd(F v) { return _mm512_reduce_add_ps(v); }
  static F MaskKeys(F v, int valid) {
    return _mm512_mask_blend_ps(TailMask(valid), _mm512_set1_ps(-std::numeric_limits<float>::infinity()), v);
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

}  // namespace hearth::kernels::avx512
