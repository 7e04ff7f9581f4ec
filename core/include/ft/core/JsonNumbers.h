#pragma once
// Whole numbers read from JSON that people, older versions or a damaged disk wrote (settings,
// outbox jobs, a recording's journal).
// nlohmann's get<int>() of 1e30 or -7e18 converts a double that does not fit: undefined
// behaviour (UBSan caught it in the settings fuzzer). Here such a value is an error that names
// the key and the range.
// Header-only: a target that includes it links nlohmann_json itself (ft_core does not, since its
// imported -isystem /usr/include breaks <cstdlib>'s include_next in core's ITK files).
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>

#include "ft/core/Error.h"

namespace ft {

// j[key] as a whole number in [min, max]; `fallback` where the key is absent. Throws ft::Error
// (InvalidArgument) for anything else: text, a fraction, a number out of range.
template <typename Int>
Int whole_number(const nlohmann::json& j, const char* key, Int fallback, Int min, Int max) {
  const auto at = j.find(key);
  if (at == j.end()) return fallback;
  const auto refuse = [&] {
    throw Error(ErrorCode::InvalidArgument, std::string(key) + " must be a whole number from " + std::to_string(min) +
                                                " to " + std::to_string(max));
  };
  if (at->is_number_unsigned()) {
    const auto v = at->template get<std::uint64_t>();  // nlohmann keeps every integer >= 0 here
    if ((min > 0 && v < std::uint64_t(min)) || v > std::uint64_t(max)) refuse();
    return Int(v);
  }
  if (at->is_number_integer()) {
    const auto v = at->template get<std::int64_t>();
    if (v < std::int64_t(min) || v > std::int64_t(max)) refuse();
    return Int(v);
  }
  if (at->is_number_float()) {  // 1e3 is a whole number written as a float
    const double v = at->template get<double>();
    // below max + 1, not at most max: double(INT64_MAX) rounds up to 2^63, which does not fit.
    if (!(v >= double(min) && v < double(max) + 1.0) || v != std::floor(v)) refuse();
    return Int(v);
  }
  refuse();
  return fallback;  // not reached
}

// array[index] as a whole number in [min, max], refused under `name` as above (e.g. a crop's corner).
template <typename Int>
Int whole_element(const nlohmann::json& array, std::size_t index, const char* name, Int min, Int max) {
  const nlohmann::json one{{name, array.at(index)}};  // whole_number's checks, the message naming `name`
  return whole_number(one, name, Int(0), min, max);
}

}  // namespace ft
