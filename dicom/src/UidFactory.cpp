#include "ft/dicom/UidFactory.h"

#include <algorithm>
#include <random>

#include "ft/core/Random.h"

namespace ft::dicom {

// Marks the 128 bits as a UUID (RFC 9562 version 8, variant 10) and prints 2.25.<decimal>.
std::string uid_from_bits(std::uint64_t hi, std::uint64_t lo) {
  using u128 = unsigned __int128;
  hi = (hi & ~0xF000ull) | 0x8000ull;
  lo = (lo & 0x3FFFFFFFFFFFFFFFull) | 0x8000000000000000ull;
  u128 v = (u128(hi) << 64) | u128(lo);
  std::string digits;
  while (v > 0) {
    digits.push_back(char('0' + int(v % 10)));
    v /= 10;
  }
  std::reverse(digits.begin(), digits.end());
  return "2.25." + digits;
}

std::string new_uid() {
  std::random_device device;
  auto word = [&] { return (std::uint64_t(device()) << 32) ^ std::uint64_t(device()); };
  return uid_from_bits(word(), word());
}

std::string uid_from_name(const std::string& name) {
  std::uint64_t a = 0x243F6A8885A308D3ull, b = 0x13198A2E03707344ull;
  for (unsigned char c : name) {
    a = mix64(a ^ c);
    b = mix64(b + c * 0x9E3779B97F4A7C15ull);
  }
  return uid_from_bits(mix64(a ^ name.size()), mix64(b ^ a));
}

}  // namespace ft::dicom
