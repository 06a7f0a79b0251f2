// Interleaved decode layout and gemv for the 32-element formats, AVX2: groups of 8 rows, one per int32
// lane of a ymm, products by maddubs + madd. Layout and kernel in kernels/x86_common/interleaved_legacy.inc.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <utility>
#include <vector>

#include "kernels/formats/block_layouts.h"
#include "kernels/kernel_table.h"
#include "kernels/x86_avx2/avx2_kernels.h"
#include "kernels/x86_avx2/avx2_util.h"  // Includes <immintrin.h>.

namespace hearth::kernels::avx2 {
namespace {

// Vector traits of the shared kernel: 8 rows per __m256i.
struct IlVec {
  static constexpr int kRows = 8;
  static constexpr int kMaxTokens = 4;  // 16 ymm: 2 chains x 4 tokens + 4 float sums + weights.
  // Many tokens go through the panel gemm instead: with 4 tokens per pass, this kernel measured slower
  // (Q4_0 1536x8960, 512 tokens: 104 ms against 84 ms, best of 5).
  static constexpr bool kGemm = false;
  using I = __m256i;
  using F = __m256;

  static I Load(const uint8_t* p) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)); }
  static I ZeroI() { return _mm256_setzero_si256(); }
  static I Set1Epi8(int8_t v) { return _mm256_set1_epi8(v); }
  static I Set1Epi32(int32_t v) { return _mm256_set1_epi32(v); }
  static I Broadcast4(const uint8_t* p) {
    int32_t v;
    std::memcpy(&v, p, 4);
    return _mm256_set1_epi32(v);
  }
  static I And(I a, I b) { return _mm256_and_si256(a, b); }
  static I AndNot(I a, I b) { return _mm256_andnot_si256(a, b); }  // ~a & b
  static I Srli16By4(I a) { return _mm256_srli_epi16(a, 4); }
  static I Srai32By4(I a) { return _mm256_srai_epi32(a, 4); }
  static I Add32(I a, I b) { return _mm256_add_epi32(a, b); }
  static I AddEpi16(I a, I b) { return _mm256_add_epi16(a, b); }
  static I Maddubs(I w, I a) { return _mm256_maddubs_epi16(w, a); }
  static I AddPairs(I acc, I s16) { return _mm256_add_epi32(acc, _mm256_madd_epi16(s16, _mm256_set1_epi16(1))); }
  // acc += sums of 4 products per lane; signed w by the sign trick (exact: |w| <= 128, |a| <= 127).
  template <bool kVnni, bool kSigned>
  static I Dot(I acc, I w, I a) {
    static_assert(!kVnni, "AVX2 has no VNNI");
    if constexpr (kSigned) {
      a = _mm256_sign_epi8(a, w);
      w = _mm256_abs_epi8(w);
    }
    return AddPairs(acc, _mm256_maddubs_epi16(w, a));
  }
  // w + 16 where bit i of the 32-bit mask word is set (byte i).
  static I AddHighBit(I w, const uint8_t* word) {
    int32_t bits;
    std::memcpy(&bits, word, 4);
    // Byte i takes mask byte i / 8 (each 128-bit lane holds all four), then tests its own bit i % 8.
    const __m256i spread = _mm256_shuffle_epi8(
        _mm256_set1_epi32(bits), _mm256_setr_epi64x(0x0000000000000000, 0x0101010101010101,
                                                    0x0202020202020202, 0x0303030303030303));
    const __m256i select = _mm256_set1_epi64x(static_cast<int64_t>(0x8040201008040201ULL));
    const __m256i set = _mm256_cmpeq_epi8(_mm256_and_si256(spread, select), select);
    return _mm256_or_si256(w, _mm256_and_si256(set, _mm256_set1_epi8(0x10)));
  }
  static I Lookup16(const int8_t* table, I idx) {
    return _mm256_shuffle_epi8(
        _mm256_broadcastsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(table))), idx);
  }

  static F ZeroF() { return _mm256_setzero_ps(); }
  static F LoadHalves(const uint8_t* p) {
    return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
  }
  static F Cvt(I a) { return _mm256_cvtepi32_ps(a); }
  static F Set1Ps(float v) { return _mm256_set1_ps(v); }
  static F Mul(F a, F b) { return _mm256_mul_ps(a, b); }
  static F Fmadd(F a, F b, F c) { return _mm256_fmadd_ps(a, b, c); }
  static void Store(float* p, F v) { _mm256_storeu_ps(p, v); }
};

#include "kernels/x86_common/interleaved_legacy.inc"

}  // namespace

void RegisterInterleavedLegacy(KernelTable& table) { IlRegisterAll</*kVnni=*/false>(table); }

}  // namespace hearth::kernels::avx2
