#include "CommandLine.h"

#include <filesystem>
#include <fstream>

#include "ft/core/Error.h"

namespace ft::cli {

void write_text_file(const std::string& path, const std::string& text) {
  std::ofstream file(path);
  if (!file) throw Error(ErrorCode::Io, "cannot write " + path);
  file << text;
  file.flush();
  if (!file) throw Error(ErrorCode::Io, "writing " + path + " failed (disk full?)");
}

std::vector<std::string> files_under(const std::vector<std::string>& paths) {
  std::vector<std::string> files;
  for (const std::string& p : paths) {
    if (std::filesystem::is_directory(p)) {
      for (const auto& e : std::filesystem::recursive_directory_iterator(p))
        if (e.is_regular_file()) files.push_back(e.path().string());
    } else {
      files.push_back(p);
    }
  }
  return files;
}

CommandLine::CommandLine(const std::vector<std::string>& args, const std::set<std::string>& switches) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.size() > 2 && a.rfind("--", 0) == 0) {
      std::string flag = a.substr(2);
      std::string value;
      const auto eq = flag.find('=');
      if (eq != std::string::npos) {
        value = flag.substr(eq + 1);
        flag = flag.substr(0, eq);
      } else if (!switches.count(flag)) {
        if (i + 1 >= args.size()) throw Error(ErrorCode::InvalidArgument, "--" + flag + " needs a value");
        value = args[++i];
      }
      present_.insert(flag);
      values_[flag] = value;
    } else {
      positional_.push_back(a);
    }
  }
}

std::string CommandLine::positional_at(std::size_t i, const std::string& what) const {
  if (i >= positional_.size()) throw Error(ErrorCode::InvalidArgument, "missing " + what);
  return positional_[i];
}

bool CommandLine::has(const std::string& flag) const { return present_.count(flag) > 0; }

std::optional<std::string> CommandLine::value(const std::string& flag) const {
  auto it = values_.find(flag);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

std::string CommandLine::value_or(const std::string& flag, const std::string& fallback) const {
  return value(flag).value_or(fallback);
}

long long CommandLine::integer_or(const std::string& flag, long long fallback) const {
  const auto v = value(flag);
  if (!v) return fallback;
  try {
    std::size_t used = 0;
    const long long n = std::stoll(*v, &used);
    if (used == v->size()) return n;
  } catch (...) {
  }
  throw Error(ErrorCode::InvalidArgument, "--" + flag + " expects a whole number, got '" + *v + "'");
}

double CommandLine::number_or(const std::string& flag, double fallback) const {
  const auto v = value(flag);
  if (!v) return fallback;
  try {
    std::size_t used = 0;
    const double n = std::stod(*v, &used);
    if (used == v->size()) return n;
  } catch (...) {
  }
  throw Error(ErrorCode::InvalidArgument, "--" + flag + " expects a number, got '" + *v + "'");
}

void CommandLine::reject_unknown(const std::set<std::string>& known) const {
  for (const auto& flag : present_) {
    if (!known.count(flag)) throw Error(ErrorCode::InvalidArgument, "unknown option --" + flag);
  }
}

}  // namespace ft::cli
