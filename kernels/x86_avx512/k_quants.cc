// AVX-512 (F/BW/VL/DQ + VNNI) kernels for the K-quant formats, the Q8_K activation quantizer and IQ4_XS.
// The 256-bit kernels live in k_quants_simd.inc (shared with the AVX2 folder, compiled here with the
// AVX-512 flags, so their scaled int16 sums use vpdpwssd); the weight quantizers stay scalar (offline).
#include <immintrin.h>

#include <cmath>
#include <cstdint>
#include <cstring>

#include "kernels/formats/block_layouts.h"
#include "kernels/x86_avx512/avx512_kernels.h"

namespace hearth::kernels::avx512 {

#include "kernels/x86_avx2/k_quants_simd.inc"

void RegisterKQuants(KernelTable& table) {
  auto set = [&table](GgmlType type, DequantizeRowFn dequantize, VecDotFn vec_dot) {
    FormatKernels& k = table.format(type);
    k.dequantize_row = dequantize;
    k.vec_dot = vec_dot;
  };
  set(GgmlType::kQ2_K, DequantizeRowQ2K, VecDotQ2K);
  set(GgmlType::kQ3_K, DequantizeRowQ3K, VecDotQ3K);
  set(GgmlType::kQ4_K, DequantizeRowQ4K, VecDotQ4K);
  set(GgmlType::kQ5_K, DequantizeRowQ5K, VecDotQ5K);
  set(GgmlType::kQ6_K, DequantizeRowQ6K, VecDotQ6K);
  set(GgmlType::kIQ4_XS, DequantizeRowIq4Xs, VecDotIq4Xs);
  table.format(GgmlType::kQ8_K).dequantize_row = DequantizeRowQ8K;
  table.format(GgmlType::kQ8_K).quantize_row = QuantizeRowQ8K;
}

}  // namespace hearth::kernels::avx512
