// Dot products of K-format weight rows with Q8_K activation rows. Per super-block the quants are
// multiplied and summed in integers (per sub-block, weighted by the integer sub-block scales); only the
// super-block scales are applied in float: d_w * d_a * sum(sc * sum(q_w * q_a)), minus, for the formats
// with mins, dmin_w * d_a * sum(m * bsum) where bsum is the activations' sum over the sub-block
// (from Q8_K's bsums). All integer sums fit in int32: |sum| <= 128 * 63 * 127 * 256 < 2^31.
#include "kernels/scalar/k_quants_internal.h"

namespace hearth::kernels::scalar::kquants {
namespace {

// Sum of q[i] * a[i] over `len` elements.
int IntDot(const int8_t* q, const int8_t* a, int len) {
  int sum = 0;
  for (int i = 0; i < len; ++i) sum += static_cast<int>(q[i]) * static_cast<int>(a[i]);
  return sum;
}

// Unpacks the 2-bit quants shared by Q2_K and Q3_K (values 0..3).
void Unpack2Bit(const uint8_t* qs, int8_t* q) {
  for (int i = 0; i < kQKK; ++i) {
    q[i] = static_cast<int8_t>((qs[(i / 128) * 32 + i % 32] >> (2 * ((i % 128) / 32))) & 3);
  }
}

// Unpacks the 4-bit quants shared by Q4_K and Q5_K (values 0..15).
void Unpack4Bit(const uint8_t* qs, int8_t* q) {
  for (int i = 0; i < kQKK; ++i) {
    q[i] = static_cast<int8_t>((qs[(i / 64) * 32 + i % 32] >> (4 * ((i % 64) / 32))) & 0x0f);
  }
}

}  // namespace

float VecDotQ2K(int64_t n, const void* x, const void* y) {
  const auto* wx = static_cast<const BlockQ2_K*>(x);
  const auto* ay = static_cast<const BlockQ8_K*>(y);
  float sum = 0.0f;
  int8_t q[kQKK];
  for (int64_t b = 0; b < n / kQKK; ++b) {
    Unpack2Bit(wx[b].qs, q);
    int isum = 0, imin = 0;
    for (int j = 0; j < 16; ++j) {
      isum += (wx[b].scales[j] & 0x0f) * IntDot(q + 16 * j, ay[b].qs + 16 * j, 16);
      imin += (wx[b].scales[j] >> 4) * ay[b].bsums[j];
    }
    sum += ay[b].d * Fp16ToFp32(wx[b].d) * static_cast<float>(isum) -
           ay[b].d * Fp16ToFp32(wx[b].dmin) * static_cast<float>(imin);
  }
  return sum;
}

float VecDotQ3K(int64_t n, const void* x, const void* y) {
  const auto* wx = static_cast<const BlockQ3_K*>(x);
  const auto* ay = static_cast<const BlockQ8_K*>(y);
  float sum = 0.0f;
  int8_t q[kQKK];
  for (int64_t b = 0; b < n / kQKK; ++b) {
    Unpack2Bit(wx[b].qs, q);
    for (int i = 0; i < kQKK; ++i) {
      if (((wx[b].hmask[i % 32] >> (i / 32)) & 1) == 0) q[i] = static_cast<int8_t>(q[i] - 4);
    }
    int isum = 0;
    for (int j = 0; j < 16; ++j) {
      isum += GetScaleQ3K(wx[b].scales, j) * IntDot(q + 16 * j, ay[b].qs + 16 * j, 16);
    }
    sum += ay[b].d * Fp16ToFp32(wx[b].d) * static_cast<float>(isum);
  }
  return sum;
}

float VecDotQ4K(int64_t n, const void* x, const void* y) {
  const auto* wx = static_cast<const BlockQ4_K*>(x);
  const auto* ay = static_cast<const BlockQ8_K*>(y);
  float sum = 0.0f;
  int8_t q[kQKK];
  for (int64_t b = 0; b < n / kQKK; ++b) {
    Unpack4Bit(wx[b].qs, q);
    int isum = 0, imin = 0;
    for (int j = 0; j < 8; ++j) {
      int sc, m;
      GetScaleMinK4(wx[b].scales, j, &sc, &m);
      isum += sc * IntDot(q + 32 * j, ay[b].qs + 32 * j, 32);
      imin += m * (ay[b].bsums[2 * j] + ay[b].bsums[2 * j + 1]);
    }
    sum += ay[b].d * Fp16ToFp32(wx[b].d) * static_cast<float>(isum) -
           ay[b].d * Fp16ToFp32(wx[b].dmin) * static_cast<float>(imin);
  }
  return sum;
}

float VecDotQ5K(int64_t n, const void* x, const void* y) {
  const auto* wx = static_cast<const BlockQ5_K*>(x);
  const auto* ay = static_cast<const BlockQ8_K*>(y);
  float sum = 0.0f;
  int8_t q[kQKK];
  for (int64_t b = 0; b < n / kQKK; ++b) {
    Unpack4Bit(wx[b].qs, q);
    for (int i = 0; i < kQKK; ++i) {
      if ((wx[b].qh[i % 32] >> (i / 32)) & 1) q[i] = static_cast<int8_t>(q[i] + 16);
    }
    int isum = 0, imin = 0;
    for (int j = 0; j < 8; ++j) {
      int sc, m;
      GetScaleMinK4(wx[b].scales, j, &sc, &m);
      isum += sc * IntDot(q + 32 * j, ay[b].qs + 32 * j, 32);
      imin += m * (ay[b].bsums[2 * j] + ay[b].bsums[2 * j + 1]);
    }
    sum += ay[b].d * Fp16ToFp32(wx[b].d) * static_cast<float>(isum) -
           ay[b].d * Fp16ToFp32(wx[b].dmin) * static_cast<float>(imin);
  }
  return sum;
}

float VecDotQ6K(int64_t n, const void* x, const void* y) {
  const auto* wx = static_cast<const BlockQ6_K*>(x);
  const auto* ay = static_cast<const BlockQ8_K*>(y);
  float sum = 0.0f;
  int8_t q[kQKK];
  for (int64_t b = 0; b < n / kQKK; ++b) {
    const BlockQ6_K& blk = wx[b];
    for (int i = 0; i < kQKK; ++i) {
      const int r = i % 128;
      const int low = (blk.ql[(i / 128) * 64 + r % 64] >> (4 * (r / 64))) & 0x0f;
      const int high = (blk.qh[(i / 128) * 32 + r % 32] >> (2 * (r / 32))) & 3;
      q[i] = static_cast<int8_t>((low | (high << 4)) - 32);
    }
    int isum = 0;
    for (int j = 0; j < 16; ++j) isum += blk.scales[j] * IntDot(q + 16 * j, ay[b].qs + 16 * j, 16);
    sum += ay[b].d * Fp16ToFp32(blk.d) * static_cast<float>(isum);
  }
  return sum;
}

}  // namespace hearth::kernels::scalar::kquants
