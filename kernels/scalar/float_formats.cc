// Scalar kernels for the plain float formats: F32, F16 (IEEE binary16) and BF16.
// Each format dots against activations in its own format, accumulating in double so the scalar table is
// the most accurate oracle for the vectorized ones.
#include <cstdint>
#include <cstring>

#include "kernels/formats/fp16.h"
#include "kernels/scalar/scalar_kernels.h"

namespace hearth::kernels::scalar {
namespace {

void DequantizeRowF32(const void* src, float* dst, int64_t n) {
  std::memcpy(dst, src, static_cast<size_t>(n) * sizeof(float));
}

void QuantizeRowF32(const float* src, void* dst, int64_t n) {
  std::memcpy(dst, src, static_cast<size_t>(n) * sizeof(float));
}

float VecDotF32(int64_t n, const void* x, const void* y) {
  const float* xf = static_cast<const float*>(x);
  const float* yf = static_cast<const float*>(y);
  double sum = 0.0;
  for (int64_t i = 0; i < n; ++i) sum += static_cast<double>(xf[i]) * static_cast<double>(yf[i]);
  return static_cast<float>(sum);
}

void DequantizeRowF16(const void* src, float* dst, int64_t n) {
  const uint16_t* h = static_cast<const uint16_t*>(src);
  for (int64_t i = 0; i < n; ++i) dst[i] = Fp16ToFp32(h[i]);
}

void QuantizeRowF16(const float* src, void* dst, int64_t n) {
  uint16_t* h = static_cast<uint16_t*>(dst);
  for (int64_t i = 0; i < n; ++i) h[i] = Fp32ToFp16(src[i]);
}

float VecDotF16(int64_t n, const void* x, const void* y) {
  const uint16_t* xh = static_cast<const uint16_t*>(x);
  const uint16_t* yh = static_cast<const uint16_t*>(y);
  double sum = 0.0;
  for (int64_t i = 0; i < n; ++i) {
    sum += static_cast<double>(Fp16ToFp32(xh[i])) * static_cast<double>(Fp16ToFp32(yh[i]));
  }
  return static_cast<float>(sum);
}

void DequantizeRowBf16(const void* src, float* dst, int64_t n) {
  const uint16_t* b = static_cast<const uint16_t*>(src);
  for (int64_t i = 0; i < n; ++i) dst[i] = Bf16ToFp32(b[i]);
}

void QuantizeRowBf16(const float* src, void* dst, int64_t n) {
  uint16_t* b = static_cast<uint16_t*>(dst);
  for (int64_t i = 0; i < n; ++i) b[i] = Fp32ToBf16(src[i]);
}

float VecDotBf16(int64_t n, const void* x, const void* y) {
  const uint16_t* xb = static_cast<const uint16_t*>(x);
  const uint16_t* yb = static_cast<const uint16_t*>(y);
  double sum = 0.0;
  for (int64_t i = 0; i < n; ++i) {
    sum += static_cast<double>(Bf16ToFp32(xb[i])) * static_cast<double>(Bf16ToFp32(yb[i]));
  }
  return static_cast<float>(sum);
}

}  // namespace

void RegisterFloatFormats(KernelTable& table) {
  table.format(GgmlType::kF32) = {DequantizeRowF32, QuantizeRowF32, VecDotF32, GgmlType::kF32};
  table.format(GgmlType::kF16) = {DequantizeRowF16, QuantizeRowF16, VecDotF16, GgmlType::kF16};
  table.format(GgmlType::kBF16) = {DequantizeRowBf16, QuantizeRowBf16, VecDotBf16, GgmlType::kBF16};
}

}  // namespace hearth::kernels::scalar
