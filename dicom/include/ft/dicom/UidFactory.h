#pragma once
// DICOM UIDs under the 2.25 root (ISO/IEC 9834-8: a UUID as one decimal number), which
// needs no registered organisation root and cannot collide with other vendors' UIDs.
#include <cstdint>
#include <string>

namespace ft::dicom {

// A new, random UID.
std::string new_uid();
// The same UID for the same name, always: for reproducible sample data.
std::string uid_from_name(const std::string& name);
// The UID of 128 given bits (marked as a version-8 UUID): for keyed pseudonymous UIDs.
std::string uid_from_bits(std::uint64_t hi, std::uint64_t lo);

}  // namespace ft::dicom
