#pragma once
// The site's secret behind de-identification pseudonyms. A pseudonymous Patient ID or UID is
// an HMAC-SHA-256 of the original under this key: the same patient gets the same pseudonym
// on every export of this site (longitudinal research works), and nobody without the key can
// compute it from an MRN — an unkeyed hash of an MRN is a lookup table away from the MRN.
// The key is made once (32 random bytes), kept beside the settings, readable by its owner only.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace ft::dicom {

class SiteKey {
 public:
  // Reads the key at `path`, or makes one there (0600, in a 0700 folder) when there is none.
  // An empty, short or unreadable key file is an error (ft::Error), never a silent empty key.
  static SiteKey load_or_create(const std::string& path);
  // Reads the key at `path`; a missing one is an error (ft::Error): for a key the user named,
  // where a mistyped path must not quietly start a new set of pseudonyms.
  static SiteKey load(const std::string& path);
  // A key from its bytes (tests, tools); at least 16 bytes, else ft::Error.
  static SiteKey from_bytes(std::string bytes);

  std::array<std::uint8_t, 32> hmac(std::string_view message) const;
  // "ANON-" and 16 hex digits; `original` is the Patient ID with its issuer.
  std::string patient_id_for(std::string_view original) const;
  // A 2.25 UID, the same for the same original UID under this key.
  std::string uid_for(std::string_view original_uid) const;

 private:
  explicit SiteKey(std::string bytes) : bytes_(std::move(bytes)) {}
  std::string bytes_;
};

// <config>/deidentify.key (see default_config_directory in DicomSettings.h).
std::string default_site_key_file();

}  // namespace ft::dicom
