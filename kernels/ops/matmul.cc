#include "kernels/ops/matmul.h"

#include <algorithm>
#include <vector>

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

namespace {

// Interleaved weights: the table's gemv below the gemm threshold; above it the layout's own gemm, or
// else groups unpacked back to file-layout rows (a copy of a few KiB per 64 rows, small next to the
// gemm's own panel packing) for the format's gemm.
void MatMulInterleavedRows(const FormatKernels& fk, const WeightMatrix& w, const void* act,
                           size_t act_row_bytes, int64_t n_tokens, float* y, int64_t y_stride,
                           int64_t row_begin, int64_t row_end) {
  const int64_t g = w.interleave_rows;
  const InterleavedKernels& ik = fk.interleaved;
  const bool many = n_tokens >= kGemmMinTokens;
  if (!many || ik.gemm != nullptr || fk.gemm == nullptr) {
    const InterleavedGemvFn kernel = many && ik.gemm != nullptr ? ik.gemm : ik.gemv;
    kernel(w.cols, w.row(row_begin), (row_end - row_begin) / g, act, act_row_bytes, n_tokens, y + row_begin,
           y_stride);
    return;
  }
  constexpr int64_t kUnpackRows = 64;
  thread_local std::vector<uint8_t> rows;
  rows.resize(static_cast<size_t>(kUnpackRows) * w.row_bytes);
  for (int64_t r0 = row_begin; r0 < row_end; r0 += kUnpackRows) {
    const int64_t r1 = std::min(row_end, r0 + kUnpackRows);
    for (int64_t r = r0; r < r1; r += g) {
      fk.interleaved.unpack(w.cols, w.row(r), rows.data() + static_cast<size_t>(r - r0) * w.row_bytes,
                            w.row_bytes);
    }
    fk.gemm(w.cols, rows.data(), w.row_bytes, r1 - r0, act, act_row_bytes, n_tokens, y + r0, y_stride);
  }
}

}  // namespace

bool CanInterleave(const KernelTable& table, const WeightMatrix& w) {
  if (w.interleaved() || static_cast<uint32_t>(w.type) >= kGgmlTypeLimit) return false;
  const InterleavedKernels& ik = table.format(w.type).interleaved;
  return ik.rows > 0 && ik.pack != nullptr && ik.unpack != nullptr && ik.gemv != nullptr &&
         w.rows % ik.rows == 0;
}

WeightMatrix InterleaveMatrix(const KernelTable& table, const WeightMatrix& w, int64_t row_begin,
                              int64_t row_end, uint8_t* dst) {
  const InterleavedKernels& ik = table.format(w.type).interleaved;
  for (int64_t r = row_begin; r < row_end; r += ik.rows) {
    ik.pack(w.cols, w.row(r), w.row_bytes, dst + static_cast<size_t>(r) * w.row_bytes);
  }
  WeightMatrix out = w;
  out.data = dst;
  out.interleave_rows = ik.rows;
  return out;
}

void DequantizeMatrixRow(const KernelTable& table, const WeightMatrix& w, int64_t r, float* dst) {
  const FormatKernels& fk = table.format(w.type);
  if (!w.interleaved()) {
    fk.dequantize_row(w.row(r), dst, w.cols);
    return;
  }
  const int64_t g = w.interleave_rows;
  thread_local std::vector<uint8_t> group;
  group.resize(static_cast<size_t>(g) * w.row_bytes);
  fk.interleaved.unpack(w.cols, w.row(r - r % g), group.data(), w.row_bytes);
  fk.dequantize_row(group.data() + static_cast<size_t>(r % g) * w.row_bytes, dst, w.cols);
}

void MatMulRows(const KernelTable& table, const WeightMatrix& w, const void* act, int64_t n_tokens,
                float* y, int64_t y_stride, int64_t row_begin, int64_t row_end) {
  const FormatKernels& fk = table.format(w.type);
  if (w.interleaved()) {
    if (row_end > row_begin) {
      MatMulInterleavedRows(fk, w, act, RowBytes(fk.dot_type, w.cols), n_tokens, y, y_stride, row_begin,
                            row_end);
    }
    return;
  }
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
