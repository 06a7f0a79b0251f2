// Interleaved decode layout and gemv for the 32-element formats, AVX-512: groups of 16 rows, one per int32
// lane of a zmm (measured on Zen 4: 1.4x the 8-row ymm kernel for one token, fewer instructions and
// activation broadcasts per row), products by VNNI dpbusd when the CPU has it, else maddubs + madd.
// Layout and kernel in kernels/x86_common/interleaved_legacy.inc.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <utility>
#include <vector>

#include "kernels/cpu_features.h"
#include "kernels/formats/block_layouts.h"
#include "kernels/kernel_table.h"
#include "kernels/x86_avx512/avx512_kernels.h"
#include "kernels/x86_avx512/avx512_util.h"  // Includes <immintrin.h>.

namespace hearth::kernels::avx512 {
namespace {

// Vector traits of the shared kernel: 16 rows per __m512i.
struct IlVec {
  static constexpr int kRows = 16;
  static constexpr int kMaxTokens = 8;  // 32 zmm: 2 chains x 8 tokens + 8 float sums + weights.
  // Also the many-token kernel: it reads the layout as it is, where the panel gemm first unpacks and
  // repacks every group (Q4_0 1536x8960, 512 tokens: 51 ms against 60 ms, best of 5; more with the
  // forward pass's 128-token feed-forward slices, which repack each panel four times).
  static constexpr bool kGemm = true;
  using I = __m512i;
  using F = __m512;

  static I Load(const uint8_t* p) { return _mm512_loadu_si512(p); }
  static I ZeroI() { return _mm512_setzero_si512(); }
  static I Set1Epi8(int8_t v) { return _mm512_set1_epi8(v); }
  static I Set1Epi32(int32_t v) { return _mm512_set1_epi32(v); }
  static I Broadcast4(const uint8_t* p) {
    int32_t v;
    std::memcpy(&v, p, 4);
    return _mm512_set1_epi32(v);
  }
  static I And(I a, I b) { return _mm512_and_si512(a, b); }
  static I AndNot(I a, I b) { return _mm512_andnot_si512(a, b); }  // ~a & b
  static I Srli16By4(I a) { return _mm512_srli_epi16(a, 4); }
  static I Srai32By4(I a) { return _mm512_srai_epi32(a, 4); }
  static I Add32(I a, I b) { return _mm512_add_epi32(a, b); }
  static I AddEpi16(I a, I b) { return _mm512_add_epi16(a, b); }
  static I Maddubs(I w, I a) { return _mm512_maddubs_epi16(w, a); }
  static I AddPairs(I acc, I s16) { return _mm512_add_epi32(acc, _mm512_madd_epi16(s16, _mm512_set1_epi16(1))); }
  // acc += sums of 4 products per lane; signed w (only without VNNI) gets |w| and a negated where w < 0
  // (exact: |w| <= 128, |a| <= 127).
  template <bool kVnni, bool kSigned>
  static I Dot(I acc, I w, I a) {
    if constexpr (kSigned) {
      a = _mm512_mask_sub_epi8(a, _mm512_movepi8_mask(w), _mm512_setzero_si512(), a);
      w = _mm512_abs_epi8(w);
    }
    if constexpr (kVnni) {
      return _mm512_dpbusd_epi32(acc, w, a);
    } else {
      return AddPairs(acc, _mm512_maddubs_epi16(w, a));
    }
  }
  // w + 16 where bit i of the 64-bit mask word is set (byte i).
  static I AddHighBit(I w, const uint8_t* word) {
    uint64_t bits;
    std::memcpy(&bits, word, 8);
    return _mm512_mask_add_epi8(w, static_cast<__mmask64>(bits), w, _mm512_set1_epi8(0x10));
  }
  static I Lookup16(const int8_t* table, I idx) {
    return _mm512_shuffle_epi8(_mm512_broadcast_i32x4(_mm_loadu_si128(reinterpret_cast<const __m128i*>(table))),
                               idx);
  }

  static F ZeroF() { return _mm512_setzero_ps(); }
  static F LoadHalves(const uint8_t* p) {
    return _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
  }
  static F Cvt(I a) { return _mm512_cvtepi32_ps(a); }
  static F Set1Ps(float v) { return _mm512_set1_ps(v); }
  static F Mul(F a, F b) { return _mm512_mul_ps(a, b); }
  static F Fmadd(F a, F b, F c) { return _mm512_fmadd_ps(a, b, c); }
  static void Store(float* p, F v) { _mm512_storeu_ps(p, v); }
};

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
