// The kernel interface: one table of function pointers per backend and instruction set, filled once.
// Callers never name an instruction set; they take ActiveKernels() (or a specific table in tests).
#ifndef HEARTH_KERNELS_KERNEL_TABLE_H_
#define HEARTH_KERNELS_KERNEL_TABLE_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "kernels/formats/ggml_type.h"

namespace hearth::kernels {

enum class Isa { kScalar, kAvx2, kAvx512, kNeon, kNeonDotprod, kNeonI8mm };

std::string_view IsaName(Isa isa);

// All row functions take n elements, a multiple of the format's block size.
using DequantizeRowFn = void (*)(const void* src, float* dst, int64_t n);
using QuantizeRowFn = void (*)(const float* src, void* dst, int64_t n);
// Dot product of a weight row `x` (this format) with an activation row `y` already in `dot_type`.
using VecDotFn = float (*)(int64_t n, const void* x, const void* y);
// Many-token matmul tile: for `n_rows` weight rows (this format, `row_bytes` apart from `w`) and `n_tokens`
// activation rows in `dot_type` (`act_row_bytes` apart from `act`), y[t * y_stride + r] = vec_dot(row r,
// token t) with the same integer block sums, up to float summation order. Null: the driver uses vec_dot.
using GemmFn = void (*)(int64_t n, const void* w, size_t row_bytes, int64_t n_rows, const void* act,
                        size_t act_row_bytes, int64_t n_tokens, float* y, int64_t y_stride);

// Optional interleaved weight layout for decode. A matrix is converted once, at load: each group of
// `rows` consecutive weight rows of n elements becomes one group of exactly rows * RowBytes(n) bytes
// (same size, so no memory is added), laid out so that one vector load covers the same block of every row
// of the group and the per-row sums land in separate lanes without horizontal reductions. The layout
// belongs to the table that made it: only that table's kernels may read it.
//   pack:   `rows` file-layout rows (src_row_bytes apart) -> one group at dst.
//   unpack: one group -> `rows` file-layout rows (dst_row_bytes apart); exact inverse of pack.
//   gemv:   y[t * y_stride + g * rows + r] = dot(row r of group g, activation t) for g < n_groups and
//           t < n_tokens (any count >= 1); activations in dot_type, act_row_bytes apart; the same integer
//           block sums as vec_dot, up to float summation order.
//   gemm:   optional, the same contract as gemv, for many tokens (prompt processing) straight from the
//           layout; when null, the driver unpacks groups back to file-layout rows for the format's gemm.
using InterleavePackFn = void (*)(int64_t n, const void* src, size_t src_row_bytes, void* dst);
using InterleaveUnpackFn = void (*)(int64_t n, const void* src, void* dst, size_t dst_row_bytes);
using InterleavedGemvFn = void (*)(int64_t n, const void* groups, int64_t n_groups, const void* act,
                                   size_t act_row_bytes, int64_t n_tokens, float* y, int64_t y_stride);

struct InterleavedKernels {
  int rows = 0;  // Rows per group: 0 (no interleaved layout), 4, 8 or 16 (a divisor of 16).
  InterleavePackFn pack = nullptr;
  InterleaveUnpackFn unpack = nullptr;
  InterleavedGemvFn gemv = nullptr;
  InterleavedGemvFn gemm = nullptr;
};

struct FormatKernels {
  DequantizeRowFn dequantize_row = nullptr;
  QuantizeRowFn quantize_row = nullptr;  // Reference quantizer; for Q8_0/Q8_1/Q8_K the activation one.
  VecDotFn vec_dot = nullptr;
  GgmlType dot_type = GgmlType::kF32;    // Format the activations are converted to for vec_dot.
  GemmFn gemm = nullptr;                 // Optional blocked kernel for many tokens (prompt processing).
  InterleavedKernels interleaved = {};   // Optional decode layout (rows == 0: none).
};

// Float ops of the forward pass; contracts in kernels/ops/float_ops.h and kernels/ops/attention.h.
using RmsNormFn = void (*)(const float* x, const float* weight, int64_t n, float eps, float* out);
using SoftmaxFn = void (*)(float* x, int64_t n);
using BinaryOpFn = void (*)(const float* a, const float* b, int64_t n, float* out);
using RopeFn = void (*)(float* x, int n_rot, bool neox, const float* cos_t, const float* sin_t);
using AttendFn = void (*)(const float* q, const uint16_t* k, size_t k_stride, const uint16_t* v,
                          size_t v_stride, int64_t n_kv, int64_t head_dim, int64_t head_dim_v, float scale,
                          float* out);
using AttendRowsFn = void (*)(const float* const* q, int64_t n_rows, const int64_t* n_kv, const uint16_t* k,
                              size_t k_stride, const uint16_t* v, size_t v_stride, int64_t head_dim,
                              int64_t head_dim_v, float scale, float* const* out);

struct KernelTable {
  Isa isa = Isa::kScalar;
  std::array<FormatKernels, kGgmlTypeLimit> formats{};

  const FormatKernels& format(GgmlType type) const { return formats[static_cast<uint32_t>(type)]; }
  FormatKernels& format(GgmlType type) { return formats[static_cast<uint32_t>(type)]; }

  // Forward-pass float ops (the scalar table holds the references; others copy it and override).
  RmsNormFn rms_norm = nullptr;
  SoftmaxFn softmax = nullptr;
  BinaryOpFn silu_mul = nullptr;
  BinaryOpFn add = nullptr;
  RopeFn rope = nullptr;
  AttendFn attend = nullptr;
  AttendRowsFn attend_rows = nullptr;  // Optional: null means `attend` row by row.
};

// The scalar reference: the fallback on every machine and the oracle for every other table.
const KernelTable& ScalarKernels();

}  // namespace hearth::kernels

#endif  // HEARTH_KERNELS_KERNEL_TABLE_H_
