// Matrix multiplication of a weight matrix (any format with a vec_dot) by a batch of float activations,
// the way llama.cpp's CPU backend does it: each activation row is converted ONCE into the weight
// format's dot_type, then the format's vec_dot runs against every weight row. Work is split over output
// rows by the caller (the thread pool lives above the kernels library), so the driver is in two steps.
#ifndef HEARTH_KERNELS_OPS_MATMUL_H_
#define HEARTH_KERNELS_OPS_MATMUL_H_

#include <cstddef>
#include <cstdint>

#include "absl/functional/function_ref.h"
#include "kernels/formats/ggml_type.h"
#include "kernels/kernel_table.h"

namespace hearth::kernels {

// A 2-D weight: `rows` rows of `cols` elements, each row `row_bytes` apart (ggml: ne0 = cols, ne1 = rows).
// A view, never owning data: into the mapped model file, or (interleaved) into a buffer the model owns.
struct WeightMatrix {
  GgmlType type = GgmlType::kF32;
  int64_t cols = 0;
  int64_t rows = 0;
  size_t row_bytes = 0;
  const uint8_t* data = nullptr;
  // 0: file layout, row r at row(r). Otherwise the rows are in groups of this many, in the interleaved
  // layout of the table that packed them (InterleaveMatrix); row(r) is then not a row.
  int interleave_rows = 0;

  const uint8_t* row(int64_t r) const { return data + static_cast<size_t>(r) * row_bytes; }
  bool interleaved() const { return interleave_rows != 0; }
};

// Whether `table` has an interleaved layout for `w` (its format has one and w.rows is a multiple of the
// group size), so that InterleaveMatrix may be called.
bool CanInterleave(const KernelTable& table, const WeightMatrix& w);

// Packs rows [row_begin, row_end) (multiples of the group size) of the file-layout `w` into the
// interleaved layout at dst + row_begin * w.row_bytes. Returns the interleaved view of dst (all rows).
WeightMatrix InterleaveMatrix(const KernelTable& table, const WeightMatrix& w, int64_t row_begin,
                              int64_t row_end, uint8_t* dst);

// Dequantizes row r of `w` (either layout) into dst (w.cols floats).
void DequantizeMatrixRow(const KernelTable& table, const WeightMatrix& w, int64_t r, float* dst);

// Bytes of one row of `n` elements in `type` (n a multiple of the block size).
size_t RowBytes(GgmlType type, int64_t n);

// Bytes needed to hold `n_tokens` activation rows of `cols` elements in the dot_type of `weight_type`.
size_t ActivationBytes(const KernelTable& table, GgmlType weight_type, int64_t cols, int64_t n_tokens);

// Converts activation rows [token_begin, token_end) of `x` (row stride `x_stride` floats) into the dot_type
// of `weight_type`, writing row t at dst + t * RowBytes(dot_type, cols).
void QuantizeActivations(const KernelTable& table, GgmlType weight_type, const float* x,
                         int64_t x_stride, int64_t cols, int64_t token_begin, int64_t token_end,
                         void* dst);

// y[t * y_stride + r] = dot(w.row(r), activation t) for rows r in [row_begin, row_end) and all tokens;
// `act` was filled by QuantizeActivations for the same weight type and cols. For an interleaved `w`,
// row_begin and row_end must be multiples of its group size (or row_end == w.rows).
void MatMulRows(const KernelTable& table, const WeightMatrix& w, const void* act, int64_t n_tokens,
                float* y, int64_t y_stride, int64_t row_begin, int64_t row_end);

// Splits [0, n) into ranges and runs fn on each, possibly in parallel (a thread pool's ParallelFor).
using ParallelForFn =
    absl::FunctionRef<void(int64_t n, absl::FunctionRef<void(int64_t begin, int64_t end)> fn)>;

// The whole driver: quantizes the activations into `act_scratch` (ActivationBytes large), then multiplies,
// both steps split by `parallel_for` (activation rows, then output rows).
void MatMul(const KernelTable& table, const WeightMatrix& w, const float* x, int64_t x_stride,
            int64_t n_tokens, float* y, int64_t y_stride, void* act_scratch,
            ParallelForFn parallel_for);

// Whether `table` can multiply weights of `type`: a vec_dot and a quantizer for its dot_type.
bool CanMatMul(const KernelTable& table, GgmlType type);

}  // namespace hearth::kernels

#endif  // HEARTH_KERNELS_OPS_MATMUL_H_
