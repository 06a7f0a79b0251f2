// Attention of one query row over an F16 KV cache, in the memory-efficient ("flash") form: keys are
// processed in blocks of kAttendBlock with an online softmax (running max and sum, the accumulated output
// rescaled whenever the max grows), so no score row longer than a block is ever materialized.
#ifndef HEARTH_KERNELS_OPS_ATTENTION_H_
#define HEARTH_KERNELS_OPS_ATTENTION_H_

#include <cstddef>
#include <cstdint>

namespace hearth::kernels {

// Keys per block of the online softmax (scores of one block live on the stack).
inline constexpr int64_t kAttendBlock = 64;

// out[0, head_dim_v) = sum_j softmax_j(scale * q . k_j) * v_j over j in [0, n_kv), where
// k_j = k + j * k_stride (head_dim halves) and v_j = v + j * v_stride (head_dim_v halves) are F16; q and
// out are f32, the dot products and sums are f32. n_kv >= 1. The scalar reference; SIMD versions sit in
// the kernel table (KernelTable::attend).
void Attend(const float* q, const uint16_t* k, size_t k_stride, const uint16_t* v, size_t v_stride,
            int64_t n_kv, int64_t head_dim, int64_t head_dim_v, float scale, float* out);

// Several query rows that share one KV head (the GQA heads of consecutive tokens), each as Attend:
// out[r] = attention of q[r] over keys [0, n_kv[r]) of k and v. Tiled kernels (KernelTable::attend_rows)
// convert each block of keys and values once for all the rows; this reference runs Attend row by row.
void AttendRows(const float* const* q, int64_t n_rows, const int64_t* n_kv, const uint16_t* k,
                size_t k_stride, const uint16_t* v, size_t v_stride, int64_t head_dim, int64_t head_dim_v,
                float scale, float* const* out);

// Query rows per AttendRows call that the forward pass aims for: tiled kernels keep this many rows' score
// vectors in registers (more are split into calls of their own).
inline constexpr int64_t kAttendTileRows = 24;

}  // namespace hearth::kernels

#endif  // HEARTH_KERNELS_OPS_ATTENTION_H_
