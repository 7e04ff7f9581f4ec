#pragma once
// The one error type used across FibreTrack's modules. Every failure a user can
// cause (a missing file, a corrupt DICOM object, a peer that is down) is reported
// as an ft::Error with a code the caller can act on and a message a person can read.
#include <stdexcept>
#include <string>

namespace ft {

enum class ErrorCode {
  InvalidArgument,     // the caller asked for something that makes no sense
  NotFound,            // a file, node or item that should exist does not
  Io,                  // reading or writing failed (disk full, permission, ...)
  CorruptData,         // the input exists but cannot be parsed
  Unsupported,         // valid input we do not handle (say which)
  MissingCalibration,  // a measurement in mm was asked of an uncalibrated image
  Network,             // a peer did not answer or refused
  Internal,            // a bug: an invariant did not hold
  Device,              // the GPU failed (a CUDA error): the work can be redone on the CPU
};

const char* to_string(ErrorCode code) noexcept;

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& message);
  ErrorCode code() const noexcept { return code_; }

 private:
  ErrorCode code_;
};

}  // namespace ft
