#include "kernels/ops/matmul.h"

#include <algorithm>

namespace hearth::kernels {
namespace {

// Below this many tokens the per-call packing of weight panels costs more than the gemm saves.
constexpr int64_t kGemmMinTokens = 4;

}  // namespace

size_t RowBytes(GgmlType type, int64_t n) {
  const GgmlTypeInfo& info = GetGgmlTypeInfo(type);
  return static_cast<size_t>(n / info.block_elems) * info.block_bytes;
}

size_t ActivationBytes(const KernelTable& table, GgmlType weight_type, int64_t cols, int64_t n_tokens) {
  return RowBytes(table.format(weight_type).dot_type, cols) * static_cast<size_t>(n_tokens);
}

void QuantizeActivations(const KernelTable& table, GgmlType weight_type, const float* x,
                         int64_t x_stride, int64_t cols, int64_t token_begin, int64_t token_end,
                         void* dst) {
  const GgmlType dot_type = table.format(weight_type).dot_type;
  const QuantizeRowFn quantize = table.format(dot_type).quantize_row;
  const size_t row_bytes = RowBytes(dot_type, cols);
  uint8_t* out = static_cast<uint8_t*>(dst);
  for (int64_t t = token_begin; t < token_end; ++t) {
    quantize(x + t * x_stride, out + static_cast<size_t>(t) * row_bytes, cols);
  }
}

void MatMulRows(const KernelTable& table, const WeightMatrix& w, const void* act, int64_t n_tokens,
                float* y, int64_t y_stride, int64_t row_begin, int64_t row_end) {
  const FormatKernels& fk = table.format(w.type);
  const VecDotFn vec_dot = fk.vec_dot;
  const size_t act_row_bytes = RowBytes(fk.dot_type, w.cols);
  const uint8_t* a = static_cast<const uint8_t*>(act);
  if (fk.gemm != nullptr && n_tokens >= kGemmMinTokens && row_end > row_begin) {
    fk.gemm(w.cols, w.row(row_begin), w.row_bytes, row_end - row_begin, act, act_row_bytes, n_tokens,
            y + row_begin, y_stride);
    return;
  }
  // Blocks of weight rows stay in cache while every token passes over them.
  constexpr int64_t kRowBlock = 16;
  for (int64_t r0 = row_begin; r0 < row_end; r0 += kRowBlock) {
    const int64_t r1 = std::min(row_end, r0 + kRowBlock);
    for (int64_t t = 0; t < n_tokens; ++t) {
      const uint8_t* at = a + static_cast<size_t>(t) * act_row_bytes;
      float* yt = y + t * y_stride;
      for (int64_t r = r0; r < r1; ++r) yt[r] = vec_dot(w.cols, w.row(r), at);
    }
  }
}

void MatMul(const KernelTable& table, const WeightMatrix& w, const float* x, int64_t x_stride,
            int64_t n_tokens, float* y, int64_t y_stride, void* act_scratch,
            ParallelForFn parallel_for) {
  parallel_for(n_tokens, [&](int64_t begin, int64_t end) {
    QuantizeActivations(table, w.type, x, x_stride, w.cols, begin, end, act_scratch);
  });
  parallel_for(w.rows, [&](int64_t begin, int64_t end) {
    MatMulRows(table, w, act_scratch, n_tokens, y, y_stride, begin, end);
  });
}

bool CanMatMul(const KernelTable& table, GgmlType type) {
  if (static_cast<uint32_t>(type) >= kGgmlTypeLimit) return false;
  const FormatKernels& fk = table.format(type);
  if (fk.vec_dot == nullptr) return false;
  return table.format(fk.dot_type).quantize_row != nullptr;
}

}  // namespace hearth::kernels
