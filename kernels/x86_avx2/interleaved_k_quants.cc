// Interleaved 8-row decode layout and gemv for Q4_K, Q5_K and Q6_K (kernels/x86_common/
// interleaved_k_quants.inc), compiled here with the AVX2 flags: maddubs + madd,
// no VNNI.
#include <immintrin.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "kernels/formats/block_layouts.h"
#include "kernels/formats/k_scales.h"
#include "kernels/x86_common/interleaved_k_layout.h"
#include "kernels/x86_avx2/avx2_kernels.h"

namespace hearth::kernels::avx2 {

#include "kernels/x86_common/interleaved_k_quants.inc"

void RegisterInterleavedKQuants(KernelTable& table) {
  RegisterInterleavedKQuantsImpl<false>(table);
}

}  // namespace hearth::kernels::avx2
