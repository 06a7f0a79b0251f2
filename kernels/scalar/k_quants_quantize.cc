// Reference quantizers of the K formats with a scale and a min per sub-block (Q2_K, Q4_K, Q5_K):
// x ~= (d * sc) * q - (dmin * m), q in [0, nmax], sc and m small unsigned integers.
//
// 1. Per sub-block, a (scale, min) pair minimizing the squared error: a few candidate scales around
//    the min-max one each give quants, then a least-squares refit of scale and min given the quants,
//    iterated while the error drops. The min is kept <= 0 because it is stored as a positive offset.
// 2. The super-block scales d, dmin map the largest sub-block scale/offset onto the integer range;
//    every sub-block then tries its integer (sc, m) and the neighbours +-1, with requantized quants.
// 3. d and dmin are refitted by least squares over the whole super-block given the integers, and the
//    result is kept when it lowers the error.
// Math runs in double so that huge inputs do not overflow; the stored halves saturate (FiniteHalf).
#include <algorithm>
#include <cstring>

#include "kernels/scalar/k_quants_internal.h"

namespace hearth::kernels::scalar::kquants {
namespace {

struct AsymFit {
  double scale = 0;   // >= 0
  double offset = 0;  // >= 0; the dequantized value is scale * q - offset.
};

// Least-squares (scale, offset) for fixed quants, with offset >= 0 and scale >= 0. Returns the error.
double RefitAsym(const float* x, const uint8_t* q, int len, AsymFit* fit) {
  double sq = 0, sqq = 0, sx = 0, sxq = 0;
  for (int i = 0; i < len; ++i) {
    sq += q[i];
    sqq += static_cast<double>(q[i]) * q[i];
    sx += x[i];
    sxq += static_cast<double>(x[i]) * q[i];
  }
  const double det = len * sqq - sq * sq;
  double s = 0, c = 0;  // x ~= s * q + c
  if (det > 0) {
    s = (len * sxq - sq * sx) / det;
    c = (sqq * sx - sq * sxq) / det;
  }
  if (c > 0 || det <= 0) {
    c = 0;
    s = sqq > 0 ? sxq / sqq : 0;
  }
  if (s < 0) {
    s = 0;
    c = std::min(sx / len, 0.0);
  }
  fit->scale = s;
  fit->offset = -c;
  double err = 0;
  for (int i = 0; i < len; ++i) {
    const double e = s * q[i] + c - x[i];
    err += e * e;
  }
  return err;
}

void QuantizeAsym(const float* x, int len, int nmax, double scale, double offset, uint8_t* q) {
  for (int i = 0; i < len; ++i) {
    q[i] = static_cast<uint8_t>(scale > 0 ? RoundClamp((x[i] + offset) / scale, 0, nmax) : 0);
  }
}

AsymFit FitSubBlock(const float* x, int len, int nmax) {
  double lo = 0, hi = x[0];
  for (int i = 0; i < len; ++i) {
    lo = std::min(lo, static_cast<double>(x[i]));
    hi = std::max(hi, static_cast<double>(x[i]));
  }
  AsymFit best;
  best.offset = -lo;
  if (!(hi > lo)) return best;  // Constant non-positive sub-block: exact with scale 0.
  uint8_t q[32], best_q[32];
  double best_err = -1;
  for (int k = -8; k <= 8; ++k) {
    const double iscale = (nmax + 0.1 * k) / (hi - lo);
    if (iscale <= 0) continue;
    QuantizeAsym(x, len, nmax, 1.0 / iscale, -lo, q);
    AsymFit fit;
    const double err = RefitAsym(x, q, len, &fit);
    if (best_err < 0 || err < best_err) {
      best_err = err;
      best = fit;
      std::memcpy(best_q, q, len);
    }
  }
  for (int iter = 0; iter < 4; ++iter) {  // Requantize with the refitted pair while that helps.
    QuantizeAsym(x, len, nmax, best.scale, best.offset, q);
    if (std::memcmp(q, best_q, len) == 0) break;
    AsymFit fit;
    const double err = RefitAsym(x, q, len, &fit);
    if (!(err < best_err)) break;
    best_err = err;
    best = fit;
    std::memcpy(best_q, q, len);
  }
  return best;
}

// A quantized super-block, before format-specific bit packing.
struct AsymBlock {
  uint16_t d = 0, dmin = 0;
  int sc[16] = {}, m[16] = {};
  uint8_t q[kQKK] = {};
};

// Squared error of one sub-block with integer scale/min under (d, dmin); fills its quants.
double SubBlockError(const float* x, int len, int nmax, float d, float dmin, int sc, int m, uint8_t* q) {
  // Same float operations as dequantization, so the error is the one the format will show.
  const float dl = d * static_cast<float>(sc);
  const float ml = dmin * static_cast<float>(m);
  QuantizeAsym(x, len, nmax, dl, ml, q);
  double err = 0;
  for (int i = 0; i < len; ++i) {
    const float v = dl * static_cast<float>(q[i]);
    const double e = static_cast<double>(v - ml) - x[i];
    err += e * e;
  }
  return err;
}

// Picks each sub-block's (sc, m) among the neighbours of the rounded ones. Returns the total error.
double ChooseIntegers(const float* x, int len, int nmax, int int_max, const AsymFit* fits, AsymBlock* blk) {
  const float d = Fp16ToFp32(blk->d), dmin = Fp16ToFp32(blk->dmin);
  const int n_sub = kQKK / len;
  double total = 0;
  uint8_t q[32];
  for (int j = 0; j < n_sub; ++j) {
    const float* xs = x + j * len;
    const int sc0 = d > 0 ? RoundClamp(fits[j].scale / d, 0, int_max) : 0;
    const int m0 = dmin > 0 ? RoundClamp(fits[j].offset / dmin, 0, int_max) : 0;
    double best = -1;
    for (int sc = std::max(sc0 - 1, 0); sc <= std::min(sc0 + 1, int_max); ++sc) {
      for (int m = std::max(m0 - 1, 0); m <= std::min(m0 + 1, int_max); ++m) {
        const double err = SubBlockError(xs, len, nmax, d, dmin, sc, m, q);
        if (best < 0 || err < best) {
          best = err;
          blk->sc[j] = sc;
          blk->m[j] = m;
          std::memcpy(blk->q + j * len, q, len);
        }
      }
    }
    total += best;
  }
  return total;
}

// Least-squares (d, dmin) over the super-block for fixed integers: x ~= d * (sc * q) - dmin * m.
bool RefitSuperScales(const float* x, int len, const AsymBlock& blk, double* d, double* dmin) {
  double saa = 0, sab = 0, sbb = 0, sxa = 0, sxb = 0;
  for (int i = 0; i < kQKK; ++i) {
    const double a = static_cast<double>(blk.sc[i / len]) * blk.q[i];
    const double b = -static_cast<double>(blk.m[i / len]);
    saa += a * a;
    sab += a * b;
    sbb += b * b;
    sxa += x[i] * a;
    sxb += x[i] * b;
  }
  const double det = saa * sbb - sab * sab;
  if (!(det > 0)) return false;
  *d = (sxa * sbb - sxb * sab) / det;
  *dmin = (saa * sxb - sab * sxa) / det;
  return *d >= 0 && *dmin >= 0;
}

// Quantizes one super-block of 256 values in sub-blocks of `len` with quants in [0, nmax] and
// integer scales/mins in [0, int_max].
void QuantizeAsymBlock(const float* x, int len, int nmax, int int_max, AsymBlock* out) {
  const int n_sub = kQKK / len;
  AsymFit fits[16];
  double max_scale = 0, max_offset = 0;
  for (int j = 0; j < n_sub; ++j) {
    fits[j] = FitSubBlock(x + j * len, len, nmax);
    max_scale = std::max(max_scale, fits[j].scale);
    max_offset = std::max(max_offset, fits[j].offset);
  }
  AsymBlock blk;
  blk.d = FiniteHalf(max_scale / int_max);
  blk.dmin = FiniteHalf(max_offset / int_max);
  double best_err = ChooseIntegers(x, len, nmax, int_max, fits, &blk);
  *out = blk;
  for (int iter = 0; iter < 3; ++iter) {
    double d, dmin;
    if (!RefitSuperScales(x, len, *out, &d, &dmin)) break;
    AsymBlock trial = *out;
    trial.d = FiniteHalf(d);
    trial.dmin = FiniteHalf(dmin);
    if (trial.d == out->d && trial.dmin == out->dmin) break;
    // Re-derive the integers for the new super-scales from the per-sub-block fits.
    const double err = ChooseIntegers(x, len, nmax, int_max, fits, &trial);
    if (!(err < best_err)) break;
    best_err = err;
    *out = trial;
  }
}

}  // namespace

void QuantizeQ2K(const float* src, void* dst, int64_t n) {
  auto* blocks = static_cast<BlockQ2_K*>(dst);
  for (int64_t b = 0; b < n / kQKK; ++b) {
    AsymBlock a;
    QuantizeAsymBlock(src + b * kQKK, 16, 3, 15, &a);
    BlockQ2_K& blk = blocks[b];
    std::memset(&blk, 0, sizeof(blk));
    blk.d = a.d;
    blk.dmin = a.dmin;
    for (int j = 0; j < 16; ++j) blk.scales[j] = static_cast<uint8_t>(a.sc[j] | (a.m[j] << 4));
    for (int i = 0; i < kQKK; ++i) {
      blk.qs[(i / 128) * 32 + i % 32] |= static_cast<uint8_t>(a.q[i] << (2 * ((i % 128) / 32)));
    }
  }
}

void QuantizeQ4K(const float* src, void* dst, int64_t n) {
  auto* blocks = static_cast<BlockQ4_K*>(dst);
  for (int64_t b = 0; b < n / kQKK; ++b) {
    AsymBlock a;
    QuantizeAsymBlock(src + b * kQKK, 32, 15, 63, &a);
    BlockQ4_K& blk = blocks[b];
    std::memset(&blk, 0, sizeof(blk));
    blk.d = a.d;
    blk.dmin = a.dmin;
    for (int j = 0; j < 8; ++j) SetScaleMinK4(blk.scales, j, a.sc[j], a.m[j]);
    for (int i = 0; i < kQKK; ++i) {
      blk.qs[(i / 64) * 32 + i % 32] |= static_cast<uint8_t>(a.q[i] << (4 * ((i % 64) / 32)));
    }
  }
}

void QuantizeQ5K(const float* src, void* dst, int64_t n) {
  auto* blocks = static_cast<BlockQ5_K*>(dst);
  for (int64_t b = 0; b < n / kQKK; ++b) {
    AsymBlock a;
    QuantizeAsymBlock(src + b * kQKK, 32, 31, 63, &a);
    BlockQ5_K& blk = blocks[b];
    std::memset(&blk, 0, sizeof(blk));
    blk.d = a.d;
    blk.dmin = a.dmin;
    for (int j = 0; j < 8; ++j) SetScaleMinK4(blk.scales, j, a.sc[j], a.m[j]);
    for (int i = 0; i < kQKK; ++i) {
      blk.qs[(i / 64) * 32 + i % 32] |= static_cast<uint8_t>((a.q[i] & 0x0f) << (4 * ((i % 64) / 32)));
      blk.qh[i % 32] |= static_cast<uint8_t>((a.q[i] >> 4) << (i / 32));
    }
  }
}

}  // namespace hearth::kernels::scalar::kquants
