// The campaign simulator's random numbers: xoshiro256** (Blackman and Vigna, "Scrambled
// linear pseudorandom number generators", ACM TOMS 47(4), 2021; https://prng.di.unimi.it/),
// seeded through splitmix64 as its authors advise, with exact transforms: the standard
// normal by the ziggurat of Marsaglia and Tsang ("The Ziggurat Method for Generating
// Random Variables", J. Stat. Softw. 5(8), 2000) with 256 layers and 52-bit uniforms, as
// NumPy draws it, and the exponential by inversion. Faster than std::mt19937_64 with the
// standard library's polar normal, which the Blend simulator keeps (its validated figures).
#pragma once

#include <array>
#include <cmath>
#include <cstdint>

namespace outpace::sim {

// Layer i >= 1 of the ziggurat spans [0, x_i) by [f(x_i), f(x_{i-1})), f(x) = exp(-x^2/2),
// x_255 = r; layer 0 is the base strip with the tail beyond r. A 52-bit uniform u gives
// x = u * w[i]; u < k[i] means x lies under layer i - 1, inside the curve.
struct ZigguratNormal {
  static constexpr double kR = 3.6541528853610088;   // x_255
  static constexpr double kArea = 4.92867323399e-3;  // of each layer, for f unnormalised
  std::array<std::uint64_t, 256> k{};
  std::array<double, 256> w{}, f{};

  ZigguratNormal() {
    const double m = 4503599627370496.0;  // 2^52
    double x = kR, outer = kR;
    const double q = kArea / std::exp(-0.5 * kR * kR);  // the base strip's width
    k[0] = static_cast<std::uint64_t>(kR / q * m);
    k[1] = 0;
    w[0] = q / m;
    w[255] = kR / m;
    f[0] = 1.0;
    f[255] = std::exp(-0.5 * kR * kR);
    for (int i = 254; i >= 1; --i) {
      x = std::sqrt(-2.0 * std::log(kArea / x + std::exp(-0.5 * x * x)));
      k[static_cast<std::size_t>(i) + 1] = static_cast<std::uint64_t>(x / outer * m);
      outer = x;
      f[static_cast<std::size_t>(i)] = std::exp(-0.5 * x * x);
      w[static_cast<std::size_t>(i)] = x / m;
    }
  }
  static const ZigguratNormal& tables() {
    static const ZigguratNormal t;
    return t;
  }
};

// splitmix64 (Steele, Lea and Flood 2014): the next output of the sequence at `state`.
inline std::uint64_t splitmix64(std::uint64_t& state) {
  state += 0x9e3779b97f4a7c15ULL;
  std::uint64_t z = state;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

class Xoshiro256ss {
 public:
  using result_type = std::uint64_t;
  explicit Xoshiro256ss(std::uint64_t seed) : zig_(&ZigguratNormal::tables()) {
    for (std::uint64_t& s : s_) s = splitmix64(seed);
  }
  // The state as given (the reference vectors start from {1, 2, 3, 4}); not all zero.
  explicit Xoshiro256ss(const std::array<std::uint64_t, 4>& state)
      : s_{state[0], state[1], state[2], state[3]}, zig_(&ZigguratNormal::tables()) {}
  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return ~std::uint64_t{0}; }
  result_type operator()() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // Uniform on [0, 1): the top 53 bits, every value a multiple of 2^-53.
  double uniform() { return static_cast<double>((*this)() >> 11) * 0x1.0p-53; }
  // Exponential with mean 1: -log(1 - U), U on [0, 1).
  double exponential() { return -std::log1p(-uniform()); }
  // Standard normal.
  double normal() {
    const ZigguratNormal& z = *zig_;
    for (;;) {
      const std::uint64_t r = (*this)();
      const auto i = static_cast<std::size_t>(r & 0xff);
      const bool negative = ((r >> 8) & 1) != 0;
      const std::uint64_t u = (r >> 9) & 0xfffffffffffffULL;  // 52 bits
      const double x = static_cast<double>(u) * z.w[i];
      if (u < z.k[i]) return negative ? -x : x;  // inside: about 99% of draws
      if (i == 0) {
        // The tail beyond r (Marsaglia 1964): r + X with X exponential at rate r, kept with
        // probability exp(-X^2 / 2).
        for (;;) {
          const double xx = -std::log1p(-uniform()) / ZigguratNormal::kR;
          const double yy = -std::log1p(-uniform());
          if (yy + yy > xx * xx) return negative ? -(ZigguratNormal::kR + xx) : ZigguratNormal::kR + xx;
        }
      }
      // The wedge between layer i's rectangle and the curve.
      if ((z.f[i - 1] - z.f[i]) * uniform() + z.f[i] < std::exp(-0.5 * x * x)) return negative ? -x : x;
    }
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4];
  const ZigguratNormal* zig_;
};

}  // namespace outpace::sim
