#include "ft/core/Error.h"

namespace ft {

const char* to_string(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::InvalidArgument: return "invalid argument";
    case ErrorCode::NotFound: return "not found";
    case ErrorCode::Io: return "i/o error";
    case ErrorCode::CorruptData: return "corrupt data";
    case ErrorCode::Unsupported: return "unsupported";
    case ErrorCode::MissingCalibration: return "missing calibration";
    case ErrorCode::Network: return "network error";
    case ErrorCode::Internal: return "internal error";
    case ErrorCode::Device: return "GPU error";
  }
  return "error";
}

Error::Error(ErrorCode code, const std::string& message) : std::runtime_error(message), code_(code) {}

}  // namespace ft
