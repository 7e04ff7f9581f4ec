#pragma once
// The benchmark programs' command lines. A value that is not wholly a number (or is out of
// range) stops the run with a message: atoi/atof read "2O" as 2 and "x" as 0, and the
// benchmark then measured something other than what was asked. So does an option the program
// does not know, or one without its value: `--help` or a misspelt `--secnds 60` used to start
// a long run with the defaults.
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

// For an option that is not one of the program's (or is missing its value): the usage on
// stderr and exit 2; for --help or -h, the usage on stdout and exit 0.
[[noreturn]] inline void usage_and_exit(const char* usage, const std::string& option) {
  if (option == "--help" || option == "-h") {
    std::fputs(usage, stdout);
    std::exit(0);
  }
  std::fprintf(stderr, "%s: unknown option, or no value after it\n%s", option.c_str(), usage);
  std::exit(2);
}

}  // namespace ft::bench
