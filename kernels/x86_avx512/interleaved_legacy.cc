// Interleaved decode layout and gemv for the 32-element formats, AVX-512: 256-bit VNNI dpbusd when the
// CPU has it (8 rows per instruction), else maddubs + madd; Q5 high bits through byte masks. Layout and
// kernel in kernels/x86_common/interleaved_legacy.inc.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "kernels/cpu_features.h"
#include "kernels/formats/block_layouts.h"
#include "kernels/kernel_table.h"
#include "kernels/x86_avx512/avx512_kernels.h"
#include "kernels/x86_avx512/avx512_util.h"  // Includes <immintrin.h>.

namespace hearth::kernels::avx512 {
namespace {

#include "kernels/x86_common/interleaved_legacy.inc"

}  // namespace

// The dispatcher only requires AVX-512 F/BW/VL/DQ; the layout (Q8_0's xor) and kernel follow VNNI.
void RegisterInterleavedLegacy(KernelTable& table) {
  if (DetectCpuFeatures().avx512vnni) {
    IlRegisterAll</*kVnni=*/true>(table);
  } else {
    IlRegisterAll</*kVnni=*/false>(table);
  }
}

}  // namespace hearth::kernels::avx512
