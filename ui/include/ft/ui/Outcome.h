#pragma once
// The outcome of work done off the GUI thread: a value, or the reason there is none.
#include <exception>
#include <optional>
#include <string>

namespace ft::ui {

template <typename T>
struct Outcome {
  std::optional<T> value;
  std::string error;
};

// Runs `work` (on whatever thread calls this) and keeps its value, or what it threw.
template <typename Work>
auto outcome_of(Work work) -> Outcome<decltype(work())> {
  try {
    return {work(), ""};
  } catch (const std::exception& e) {
    return {std::nullopt, e.what()};
  }
}

}  // namespace ft::ui
