// Scalar kernels for the non-linear 4-bit formats IQ4_NL (blocks of 32, one f16 scale) and IQ4_XS
// (super-blocks of 256: f16 d and eight 6-bit sub-block scales, x = d * (ls - 32) * kIq4nlValues[q]).
// The quantizers search the scale: for each group they try inverse scales that put the largest element on
// or near either end of the (asymmetric) value table, assign every element its nearest table value, and
// keep the scale whose least-squares fit has the smallest squared error.
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "kernels/formats/block_layouts.h"
#include "kernels/formats/fp16.h"
#include "kernels/scalar/scalar_kernels.h"

namespace hearth::kernels::scalar {
namespace {

constexpr int kHalf = kQK / 2;
constexpr int kSubBlocks = kQKK / kQK;  // IQ4_XS: 8 sub-blocks of 32.
constexpr int kScaleTries = 8;          // Inverse scales tried on each side of the extreme level.
constexpr int kRefineSteps = 2;         // Assign / refit iterations after the search.

// Index of the table value nearest to v (the table is sorted ascending).
inline int NearestIndex(float v) {
  if (!(v > kIq4nlValues[0])) return 0;  // Also maps NaN to a valid index.
  if (v >= kIq4nlValues[15]) return 15;
  int lo = 0, hi = 15;  // Invariant: kIq4nlValues[lo] < v <= kIq4nlValues[hi].
  while (hi - lo > 1) {
    const int mid = (lo + hi) / 2;
    if (v > kIq4nlValues[mid]) lo = mid; else hi = mid;
  }
  return (v - kIq4nlValues[lo] < kIq4nlValues[hi] - v) ? lo : hi;
}

struct Fit {
  float scale = 0.0f;
  float score = 0.0f;  // (sum x*k)^2 / sum k*k: the squared error is sum x^2 minus this.
};

// Least-squares scale for the assignment x[j] -> table value nearest to x[j] * inv_scale.
inline Fit FitForInverse(const float* x, int n, float inv_scale) {
  float sxk = 0.0f, skk = 0.0f;
  for (int j = 0; j < n; ++j) {
    const float k = kIq4nlValues[NearestIndex(x[j] * inv_scale)];
    sxk += x[j] * k;
    skk += k * k;
  }
  Fit fit;
  if (skk > 0.0f) {
    fit.scale = sxk / skk;
    fit.score = sxk * fit.scale;
  }
  return fit;
}

// Best scale for a group of n values (0 for an all-zero or non-finite group).
float SearchScale(const float* x, int n) {
  float amax = 0.0f, max = 0.0f;
  for (int j = 0; j < n; ++j) {
    if (std::fabs(x[j]) > amax) {
      amax = std::fabs(x[j]);
      max = x[j];
    }
  }
  if (!(amax > 0.0f) || !std::isfinite(amax)) return 0.0f;
  Fit best;
  best.scale = max / static_cast<float>(kIq4nlValues[0]);
  for (const float extreme : {static_cast<float>(kIq4nlValues[0]), static_cast<float>(kIq4nlValues[15])}) {
    const float dir = extreme < 0.0f ? 1.0f : -1.0f;  // Step toward the inside of the table.
    for (int t = -kScaleTries; t <= kScaleTries; ++t) {
      const Fit fit = FitForInverse(x, n, (extreme + dir * static_cast<float>(t)) / max);
      if (fit.score > best.score) best = fit;
    }
  }
  for (int step = 0; step < kRefineSteps && best.scale != 0.0f; ++step) {
    const Fit fit = FitForInverse(x, n, 1.0f / best.scale);
    if (!(fit.score > best.score)) break;
    best = fit;
  }
  return best.scale;
}

// Nearest-value indices for scale d, and their squared error.
inline float AssignIndices(const float* x, int n, float d, uint8_t* idx) {
  const float id = d != 0.0f ? 1.0f / d : 0.0f;
  float err = 0.0f;
  for (int j = 0; j < n; ++j) {
    idx[j] = static_cast<uint8_t>(NearestIndex(x[j] * id));
    const float diff = x[j] - d * static_cast<float>(kIq4nlValues[idx[j]]);
    err += diff * diff;
  }
  return err;
}

inline void PackNibbles(const uint8_t* idx, uint8_t* qs) {
  for (int j = 0; j < kHalf; ++j) qs[j] = static_cast<uint8_t>(idx[j] | (idx[j + kHalf] << 4));
}

// ---- IQ4_NL ----

void DequantizeRowIq4Nl(const void* src, float* dst, int64_t n) {
  const BlockIQ4_NL* b = static_cast<const BlockIQ4_NL*>(src);
  for (int64_t i = 0; i < n / kQK; ++i, dst += kQK) {
    const float d = Fp16ToFp32(b[i].d);
    for (int j = 0; j < kHalf; ++j) {
      dst[j] = d * static_cast<float>(kIq4nlValues[b[i].qs[j] & 0x0f]);
      dst[j + kHalf] = d * static_cast<float>(kIq4nlValues[b[i].qs[j] >> 4]);
    }
  }
}

void QuantizeRowIq4Nl(const float* src, void* dst, int64_t n) {
  BlockIQ4_NL* b = static_cast<BlockIQ4_NL*>(dst);
  uint8_t idx[kQK];
  for (int64_t i = 0; i < n / kQK; ++i, src += kQK) {
    b[i].d = Fp32ToFp16(SearchScale(src, kQK));
    AssignIndices(src, kQK, Fp16ToFp32(b[i].d), idx);  // Assign with the scale as stored.
    PackNibbles(idx, b[i].qs);
  }
}

float VecDotIq4NlQ8_0(int64_t n, const void* vx, const void* vy) {
  const BlockIQ4_NL* x = static_cast<const BlockIQ4_NL*>(vx);
  const BlockQ8_0* y = static_cast<const BlockQ8_0*>(vy);
  float sum = 0.0f;
  for (int64_t i = 0; i < n / kQK; ++i) {
    int32_t isum = 0;
    for (int j = 0; j < kHalf; ++j) {
      isum += kIq4nlValues[x[i].qs[j] & 0x0f] * y[i].qs[j];
      isum += kIq4nlValues[x[i].qs[j] >> 4] * y[i].qs[j + kHalf];
    }
    sum += static_cast<float>(isum) * Fp16ToFp32(x[i].d) * Fp16ToFp32(y[i].d);
  }
  return sum;
}

// ---- IQ4_XS ----

// The 6-bit scale of sub-block ib, still offset by 32.
inline int XsScale(const BlockIQ4_XS& b, int ib) {
  const int lo = (b.scales_l[ib / 2] >> (4 * (ib % 2))) & 0x0f;
  const int hi = (b.scales_h >> (2 * ib)) & 0x03;
  return lo | (hi << 4);
}

void DequantizeRowIq4Xs(const void* src, float* dst, int64_t n) {
  const BlockIQ4_XS* b = static_cast<const BlockIQ4_XS*>(src);
  for (int64_t i = 0; i < n / kQKK; ++i) {
    const float d = Fp16ToFp32(b[i].d);
    for (int ib = 0; ib < kSubBlocks; ++ib, dst += kQK) {
      const float dl = d * static_cast<float>(XsScale(b[i], ib) - 32);
      const uint8_t* qs = b[i].qs + ib * kHalf;
      for (int j = 0; j < kHalf; ++j) {
        dst[j] = dl * static_cast<float>(kIq4nlValues[qs[j] & 0x0f]);
        dst[j + kHalf] = dl * static_cast<float>(kIq4nlValues[qs[j] >> 4]);
      }
    }
  }
}

// Quantizes one super-block with super-scale d: per sub-block, the 6-bit scale among the rounded one and
// its neighbours that gives the smallest error. Returns the total squared error.
float QuantizeXsWithScale(const float* x, const float* sub_scales, float d, int* ls,
                          uint8_t idx[kQKK]) {
  const float id = d != 0.0f ? 1.0f / d : 0.0f;
  float total = 0.0f;
  uint8_t trial[kQK];
  for (int ib = 0; ib < kSubBlocks; ++ib) {
    const float r = std::min(31.0f, std::max(-32.0f, std::round(sub_scales[ib] * id)));
    const int center = static_cast<int>(r);
    float best_err = -1.0f;
    for (int l = std::max(-32, center - 1); l <= std::min(31, center + 1); ++l) {
      const float err = AssignIndices(x + ib * kQK, kQK, d * static_cast<float>(l), trial);
      if (best_err < 0.0f || err < best_err) {
        best_err = err;
        ls[ib] = l;
        std::copy(trial, trial + kQK, idx + ib * kQK);
      }
    }
    total += best_err;
  }
  return total;
}

void QuantizeRowIq4Xs(const float* src, void* dst, int64_t n) {
  BlockIQ4_XS* b = static_cast<BlockIQ4_XS*>(dst);
  float sub_scales[kSubBlocks];
  int ls[kSubBlocks], best_ls[kSubBlocks];
  uint8_t idx[kQKK], best_idx[kQKK];
  for (int64_t i = 0; i < n / kQKK; ++i, src += kQKK) {
    float smax = 0.0f;  // Signed sub-block scale of largest magnitude.
    for (int ib = 0; ib < kSubBlocks; ++ib) {
      sub_scales[ib] = SearchScale(src + ib * kQK, kQK);
      if (std::fabs(sub_scales[ib]) > std::fabs(smax)) smax = sub_scales[ib];
    }
    // The largest sub-scale goes on either end of the 6-bit range [-32, 31]; keep the better one.
    uint16_t best_d = 0;
    float best_err = -1.0f;
    for (const float level : {-32.0f, 31.0f}) {
      const uint16_t d16 = Fp32ToFp16(smax / level);
      const float err = QuantizeXsWithScale(src, sub_scales, Fp16ToFp32(d16), ls, idx);
      if (best_err < 0.0f || err < best_err) {
        best_err = err;
        best_d = d16;
        std::copy(ls, ls + kSubBlocks, best_ls);
        std::copy(idx, idx + kQKK, best_idx);
      }
    }
    b[i].d = best_d;
    b[i].scales_h = 0;
    for (int ib = 0; ib < kSubBlocks; ++ib) {
      const int stored = best_ls[ib] + 32;  // 0..63
      if (ib % 2 == 0) b[i].scales_l[ib / 2] = 0;
      b[i].scales_l[ib / 2] |= static_cast<uint8_t>((stored & 0x0f) << (4 * (ib % 2)));
      b[i].scales_h |= static_cast<uint16_t>((stored >> 4) << (2 * ib));
      PackNibbles(best_idx + ib * kQK, b[i].qs + ib * kHalf);
    }
  }
}

float VecDotIq4XsQ8_K(int64_t n, const void* vx, const void* vy) {
  const BlockIQ4_XS* x = static_cast<const BlockIQ4_XS*>(vx);
  const BlockQ8_K* y = static_cast<const BlockQ8_K*>(vy);
  float sum = 0.0f;
  for (int64_t i = 0; i < n / kQKK; ++i) {
    int32_t isum = 0;  // |isum| <= 8 * 32 * 32 * 127 * 127: fits in int32.
    for (int ib = 0; ib < kSubBlocks; ++ib) {
      const uint8_t* qs = x[i].qs + ib * kHalf;
      const int8_t* q8 = y[i].qs + ib * kQK;
      int32_t sub = 0;
      for (int j = 0; j < kHalf; ++j) {
        sub += kIq4nlValues[qs[j] & 0x0f] * q8[j];
        sub += kIq4nlValues[qs[j] >> 4] * q8[j + kHalf];
      }
      isum += (XsScale(x[i], ib) - 32) * sub;
    }
    sum += Fp16ToFp32(x[i].d) * y[i].d * static_cast<float>(isum);
  }
  return sum;
}

}  // namespace

void RegisterIq4Quants(KernelTable& table) {
  table.format(GgmlType::kIQ4_NL) = {DequantizeRowIq4Nl, QuantizeRowIq4Nl, VecDotIq4NlQ8_0, GgmlType::kQ8_0};
  table.format(GgmlType::kIQ4_XS) = {DequantizeRowIq4Xs, QuantizeRowIq4Xs, VecDotIq4XsQ8_K, GgmlType::kQ8_K};
}

}  // namespace hearth::kernels::scalar
