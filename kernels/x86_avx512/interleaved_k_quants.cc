// Interleaved 8-row decode layout and gemv for Q2_K..Q6_K and IQ4_XS (kernels/x86_common/
// interleaved_k_quants.inc and interleaved_k_low.inc), compiled here with the AVX-512 flags: 256-bit
// vpdpbusd, and 32 vector registers for wider token tiles.

// GCC 12 flags the _mm512_undefined_* placeholders inside its own avx512fintrin.h as uninitialized (GCC
// PR 105593); the diagnostic points into the header, so silencing it around the include is enough.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "kernels/formats/block_layouts.h"
#include "kernels/formats/k_scales.h"
#include "kernels/x86_common/interleaved_k_layout.h"
#include "kernels/x86_avx512/avx512_kernels.h"

namespace hearth::kernels::avx512 {

#include "kernels/x86_common/interleaved_k_quants.inc"

namespace {
#include "kernels/x86_common/interleaved_k_scales.inc"
}  // namespace

#include "kernels/x86_common/interleaved_k_low.inc"

void RegisterInterleavedKQuants(KernelTable& table) {
  RegisterInterleavedKQuantsImpl<true>(table);
  RegisterInterleavedLowBitImpl<true>(table);
}

}  // namespace hearth::kernels::avx512
