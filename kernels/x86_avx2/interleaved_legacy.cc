// Interleaved decode layout and gemv for the 32-element formats, AVX2 (maddubs + madd); the layout and
// kernel are shared with AVX-512 in kernels/x86_common/interleaved_legacy.inc.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "kernels/formats/block_layouts.h"
#include "kernels/kernel_table.h"
#include "kernels/x86_avx2/avx2_kernels.h"
#include "kernels/x86_avx2/avx2_util.h"  // Includes <immintrin.h>.

namespace hearth::kernels::avx2 {
namespace {

#include "kernels/x86_common/interleaved_legacy.inc"

}  // namespace

void RegisterInterleavedLegacy(KernelTable& table) { IlRegisterAll</*kVnni=*/false>(table); }

}  // namespace hearth::kernels::avx2
