// A small seedable PRNG (xoshiro256**, seeded through splitmix64) with our own uniform float
// generation, so that a given seed yields the same draws with every compiler and standard library
// (std:: distributions are implementation-defined).
#ifndef HEARTH_LIB_SAMPLING_RNG_H_
#define HEARTH_LIB_SAMPLING_RNG_H_

#include <cstdint>

namespace hearth::sampling {

// splitmix64 step: used to expand one 64-bit seed into the xoshiro state (never all zero).
inline uint64_t SplitMix64(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

class Xoshiro256 {
 public:
  explicit Xoshiro256(uint64_t seed = 0) { Seed(seed); }

  void Seed(uint64_t seed) {
    uint64_t sm = seed;
    for (uint64_t& word : s_) word = SplitMix64(sm);
  }

  // xoshiro256** (Blackman & Vigna).
  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, 1) with 53 random bits; exact on every IEEE-754 platform.
  double UniformDouble() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

  uint64_t s_[4];
};

}  // namespace hearth::sampling

#endif  // HEARTH_LIB_SAMPLING_RNG_H_
