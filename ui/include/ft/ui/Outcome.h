#pragma once
// The outcome of work done off the GUI thread: a value, or the reason there is none.
#include <optional>
#include <string>

namespace ft::ui {

template <typename T>
struct Outcome {
  std::optional<T> value;
  std::string error;
};

}  // namespace ft::ui
