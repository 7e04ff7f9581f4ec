#pragma once
// Numbers on the benchmark programs' command lines. A value that is not wholly a number (or
// is out of range) stops the run with a message: atoi/atof read "2O" as 2 and "x" as 0, and
// the benchmark then measured something other than what was asked.
#include <cerrno>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace ft::bench {

[[noreturn]] inline void bad_argument(const std::string& option, const char* text, const char* expected) {
  std::fprintf(stderr, "%s: '%s' is not %s\n", option.c_str(), text, expected);
  std::exit(2);
}

inline double number_argument(const std::string& option, const char* text) {
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(text, &end);
  if (end == text || *end != '\0' || errno == ERANGE || !std::isfinite(v)) bad_argument(option, text, "a number");
  return v;
}

inline int whole_argument(const std::string& option, const char* text) {
  char* end = nullptr;
  errno = 0;
  const long v = std::strtol(text, &end, 10);
  if (end == text || *end != '\0' || errno == ERANGE || v < INT_MIN || v > INT_MAX) bad_argument(option, text, "a whole number");
  return int(v);
}

// WxH, both above 0.
inline void size_argument(const std::string& option, const char* text, int& width, int& height) {
  char tail = 0;
  if (std::sscanf(text, "%dx%d%c", &width, &height, &tail) != 2 || width <= 0 || height <= 0)
    bad_argument(option, text, "a size WxH (px)");
}

}  // namespace ft::bench
