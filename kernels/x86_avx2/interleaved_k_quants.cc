// Interleaved 8-row decode layout and gemv for Q2_K..Q6_K and IQ4_XS (kernels/x86_common/
// interleaved_k_quants.inc and interleaved_k_low.inc), compiled here with the AVX2 flags: maddubs + madd,
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

namespace {
#include "kernels/x86_common/interleaved_k_scales.inc"
}  // namespace

#include "kernels/x86_common/interleaved_k_low.inc"

void RegisterInterleavedKQuants(KernelTable& table) {
  RegisterInterleavedKQuantsImpl<false>(table);
  RegisterInterleavedLowBitImpl<false>(table);
}

}  // namespace hearth::kernels::avx2
