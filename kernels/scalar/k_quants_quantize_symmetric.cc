// Reference quantizers of the K formats with one signed scale per sub-block (Q3_K, Q6_K):
// x ~= (d * sc) * q with q in [-qlow, qlow - 1] and sc a signed integer; plus the Q8_K activation
// quantizer.
//
// The quant range is asymmetric (one more negative level), so a sub-block's best scale may have either
// sign. Per sub-block, candidate scales map the largest-magnitude value onto -qlow or onto qlow - 1
// (with small perturbations); each gives quants, the scale is refitted by least squares and the best
// candidate is iterated while the error drops. Super-block: candidate d values map the largest
// sub-block scale onto either end of the integer range; each sub-block tries its rounded integer scale
// and the neighbours +-1; d is then refitted by least squares; the best total error wins.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "kernels/scalar/k_quants_internal.h"

namespace hearth::kernels::scalar::kquants {
namespace {

void QuantizeSym(const float* x, int len, int qlow, double scale, int8_t* q) {
  for (int i = 0; i < len; ++i) {
    q[i] = static_cast<int8_t>(scale != 0 ? RoundClamp(x[i] / scale, -qlow, qlow - 1) : 0);
  }
}

// Least-squares scale for fixed quants; returns the squared error.
double RefitSym(const float* x, const int8_t* q, int len, double* scale) {
  double sxq = 0, sqq = 0, sxx = 0;
  for (int i = 0; i < len; ++i) {
    sxq += static_cast<double>(x[i]) * q[i];
    sqq += static_cast<double>(q[i]) * q[i];
    sxx += static_cast<double>(x[i]) * x[i];
  }
  *scale = sqq > 0 ? sxq / sqq : 0;
  return std::max(sxx - (sqq > 0 ? sxq * sxq / sqq : 0), 0.0);
}

double FitSubBlock(const float* x, int len, int qlow) {
  double vmax = 0;  // Signed value of largest magnitude.
  for (int i = 0; i < len; ++i) {
    if (std::fabs(static_cast<double>(x[i])) > std::fabs(vmax)) vmax = x[i];
  }
  if (vmax == 0) return 0;
  int8_t q[16];
  double best_scale = 0, best_err = -1;
  for (int side = 0; side < 2; ++side) {
    const double target = side == 0 ? -qlow : qlow - 1;
    for (int k = -6; k <= 6; ++k) {
      const double t = target + (target < 0 ? -0.1 : 0.1) * k;
      if (std::fabs(t) < 0.5) continue;
      QuantizeSym(x, len, qlow, vmax / t, q);
      double scale;
      const double err = RefitSym(x, q, len, &scale);
      if (best_err < 0 || err < best_err) {
        best_err = err;
        best_scale = scale;
      }
    }
  }
  for (int iter = 0; iter < 4; ++iter) {
    QuantizeSym(x, len, qlow, best_scale, q);
    double scale;
    const double err = RefitSym(x, q, len, &scale);
    if (!(err < best_err)) break;
    best_err = err;
    best_scale = scale;
  }
  return best_scale;
}

struct SymBlock {
  uint16_t d = 0;
  int sc[16] = {};
  int8_t q[kQKK] = {};
};

// Chooses each sub-block's integer scale (rounded, +-1) under the block's d. Returns the total error.
double ChooseIntegers(const float* x, int qlow, int int_low, const double* scales, SymBlock* blk) {
  const float d = Fp16ToFp32(blk->d);
  double total = 0;
  int8_t q[16];
  for (int j = 0; j < 16; ++j) {
    const float* xs = x + 16 * j;
    const int sc0 = d != 0 ? RoundClamp(scales[j] / d, -int_low, int_low - 1) : 0;
    double best = -1;
    for (int sc = std::max(sc0 - 1, -int_low); sc <= std::min(sc0 + 1, int_low - 1); ++sc) {
      const float dl = d * static_cast<float>(sc);  // As dequantization computes it.
      QuantizeSym(xs, 16, qlow, dl, q);
      double err = 0;
      for (int i = 0; i < 16; ++i) {
        const double e = static_cast<double>(dl * static_cast<float>(q[i])) - xs[i];
        err += e * e;
      }
      if (best < 0 || err < best) {
        best = err;
        blk->sc[j] = sc;
        std::memcpy(blk->q + 16 * j, q, 16);
      }
    }
    total += best;
  }
  return total;
}

// Quantizes 256 values: quants in [-qlow, qlow - 1], integer scales in [-int_low, int_low - 1].
void QuantizeSymBlock(const float* x, int qlow, int int_low, SymBlock* out) {
  double scales[16];
  double smax = 0;
  for (int j = 0; j < 16; ++j) {
    scales[j] = FitSubBlock(x + 16 * j, 16, qlow);
    if (std::fabs(scales[j]) > std::fabs(smax)) smax = scales[j];
  }
  double best_err = -1;
  for (double target : {static_cast<double>(-int_low), static_cast<double>(int_low - 1)}) {
    SymBlock blk;
    blk.d = FiniteHalf(smax / target);
    double err = ChooseIntegers(x, qlow, int_low, scales, &blk);
    for (int iter = 0; iter < 3; ++iter) {  // Least-squares d for the chosen integers.
      double sxa = 0, saa = 0;
      for (int i = 0; i < kQKK; ++i) {
        const double a = static_cast<double>(blk.sc[i / 16]) * blk.q[i];
        sxa += x[i] * a;
        saa += a * a;
      }
      if (!(saa > 0)) break;
      SymBlock trial = blk;
      trial.d = FiniteHalf(sxa / saa);
      if (trial.d == blk.d) break;
      const double trial_err = ChooseIntegers(x, qlow, int_low, scales, &trial);
      if (!(trial_err < err)) break;
      err = trial_err;
      blk = trial;
    }
    if (best_err < 0 || err < best_err) {
      best_err = err;
      *out = blk;
    }
  }
}

}  // namespace

void QuantizeQ3K(const float* src, void* dst, int64_t n) {
  auto* blocks = static_cast<BlockQ3_K*>(dst);
  for (int64_t b = 0; b < n / kQKK; ++b) {
    SymBlock s;
    QuantizeSymBlock(src + b * kQKK, 4, 32, &s);
    BlockQ3_K& blk = blocks[b];
    std::memset(&blk, 0, sizeof(blk));
    blk.d = s.d;
    SetScalesQ3K(blk.scales, s.sc);
    for (int i = 0; i < kQKK; ++i) {
      const int u = s.q[i] + 4;  // 0..7: low 2 bits in qs, bit 2 in hmask (set means no -4 offset).
      blk.qs[(i / 128) * 32 + i % 32] |= static_cast<uint8_t>((u & 3) << (2 * ((i % 128) / 32)));
      blk.hmask[i % 32] |= static_cast<uint8_t>((u >> 2) << (i / 32));
    }
  }
}

void QuantizeQ6K(const float* src, void* dst, int64_t n) {
  auto* blocks = static_cast<BlockQ6_K*>(dst);
  for (int64_t b = 0; b < n / kQKK; ++b) {
    SymBlock s;
    QuantizeSymBlock(src + b * kQKK, 32, 128, &s);
    BlockQ6_K& blk = blocks[b];
    std::memset(&blk, 0, sizeof(blk));
    blk.d = s.d;
    for (int j = 0; j < 16; ++j) blk.scales[j] = static_cast<int8_t>(s.sc[j]);
    for (int i = 0; i < kQKK; ++i) {
      const int u = s.q[i] + 32;  // 0..63
      const int r = i % 128;
      blk.ql[(i / 128) * 64 + r % 64] |= static_cast<uint8_t>((u & 0x0f) << (4 * (r / 64)));
      blk.qh[(i / 128) * 32 + r % 32] |= static_cast<uint8_t>((u >> 4) << (2 * (r / 32)));
    }
  }
}

// Activations: d = amax / 127 and q = round(x / d) in [-127, 127], so the quant range is symmetric;
// bsums[k] is the sum of quants 16k..16k+15 (used for the mins term of the weight formats).
void QuantizeQ8K(const float* src, void* dst, int64_t n) {
  auto* blocks = static_cast<BlockQ8_K*>(dst);
  for (int64_t b = 0; b < n / kQKK; ++b) {
    const float* x = src + b * kQKK;
    BlockQ8_K& blk = blocks[b];
    float amax = 0.0f;
    for (int i = 0; i < kQKK; ++i) amax = std::max(amax, std::fabs(x[i]));
    const float d = amax / 127.0f;
    blk.d = std::isfinite(d) ? d : 0.0f;
    for (int i = 0; i < kQKK; ++i) {
      blk.qs[i] = static_cast<int8_t>(blk.d > 0 ? RoundClamp(x[i] / blk.d, -127, 127) : 0);
    }
    for (int k = 0; k < kQKK / 16; ++k) {
      int sum = 0;
      for (int i = 0; i < 16; ++i) sum += blk.qs[16 * k + i];
      blk.bsums[k] = static_cast<int16_t>(sum);
    }
  }
}

}  // namespace hearth::kernels::scalar::kquants
