#pragma once
// A small parser for `fibretrack SUBCOMMAND [positional...] [--flag value] [--switch]`.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace ft::cli {

// Writes text to a file, or throws ft::Error(Io) naming the file (disk full included).
void write_text_file(const std::string& path, const std::string& text);

// The files given, with folders replaced by every file below them.
std::vector<std::string> files_under(const std::vector<std::string>& paths);

class CommandLine {
 public:
  // `switches` are flags that take no value; every other --flag takes one.
  CommandLine(const std::vector<std::string>& args, const std::set<std::string>& switches);

  const std::vector<std::string>& positional() const { return positional_; }
  std::string positional_at(std::size_t i, const std::string& what) const;  // throws if missing
  bool has(const std::string& flag) const;
  std::optional<std::string> value(const std::string& flag) const;
  std::string value_or(const std::string& flag, const std::string& fallback) const;
  long long integer_or(const std::string& flag, long long fallback) const;  // throws on non-numbers
  double number_or(const std::string& flag, double fallback) const;
  // Throws naming any flag not in `known`.
  void reject_unknown(const std::set<std::string>& known) const;

 private:
  std::vector<std::string> positional_;
  std::map<std::string, std::string> values_;
  std::set<std::string> present_;
};

}  // namespace ft::cli
