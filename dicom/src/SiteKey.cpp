#include "ft/dicom/SiteKey.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "ft/core/DurableFiles.h"
#include "ft/core/Error.h"
#include "ft/dicom/DicomSettings.h"
#include "ft/dicom/UidFactory.h"

namespace ft::dicom {
namespace {

constexpr std::size_t kKeyBytes = 32, kMinKeyBytes = 16;

std::string hex_of(const std::uint8_t* bytes, std::size_t n) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back(digits[bytes[i] >> 4]);
    out.push_back(digits[bytes[i] & 15]);
  }
  return out;
}

// The key's bytes from its file's hex text; throws on anything but hex digits.
std::string bytes_of_hex(const std::string& text, const std::string& path) {
  std::string hex;
  for (char c : text)
    if (!std::isspace(static_cast<unsigned char>(c))) hex.push_back(c);
  if (hex.empty()) throw Error(ErrorCode::InvalidArgument, "site key " + path + " is empty: restore it from the site's backup (pseudonyms made with another key will not match)");
  if (hex.size() % 2 || hex.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos)
    throw Error(ErrorCode::CorruptData, "site key " + path + " is not hexadecimal");
  std::string bytes;
  for (std::size_t i = 0; i < hex.size(); i += 2) bytes.push_back(char(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return bytes;
}

// A new key, written whole and synced under a temporary name, then linked into place: link()
// fails when the key exists, so two stations starting at once agree on one key, and nobody
// ever reads a half-written one (a crash leaves only the temporary file).
void create_key_file(const std::string& path) {
  namespace fs = std::filesystem;
  create_directories_durably(fs::path(path).parent_path().string(), FolderAccess::OwnerOnly);
  std::uint8_t key[kKeyBytes];
  if (RAND_bytes(key, int(kKeyBytes)) != 1) throw Error(ErrorCode::Io, "no random bytes for a new site key");
  const std::string temporary = path + ".new-" + std::to_string(::getpid());
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) throw Error(ErrorCode::Io, "cannot create site key " + path + ": " + std::strerror(errno));
  const std::string text = hex_of(key, kKeyBytes) + "\n";
  const bool written = ::write(fd, text.data(), text.size()) == ssize_t(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  const bool linked = written && ::link(temporary.c_str(), path.c_str()) == 0;
  const int link_error = errno;
  ::unlink(temporary.c_str());
  if (!written) throw Error(ErrorCode::Io, "cannot write site key " + path);
  if (!linked && link_error != EEXIST) throw Error(ErrorCode::Io, "cannot create site key " + path + ": " + std::strerror(link_error));
  sync_path(fs::path(path).parent_path().string());
}

}  // namespace

SiteKey SiteKey::load_or_create(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) create_key_file(path);
  return load(path);
}

SiteKey SiteKey::load(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    throw Error(ErrorCode::NotFound, "site key " + path + " does not exist (a new key would give new pseudonyms: check the path)");
  std::ifstream in(path);
  if (!in) throw Error(ErrorCode::Io, "site key " + path + " cannot be read (permissions?)");
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && (st.st_mode & 077))
    std::fprintf(stderr, "WARNING: site key %s can be read by other users (mode %03o): chmod 600 it\n", path.c_str(),
                 unsigned(st.st_mode & 0777));
  std::ostringstream text;
  text << in.rdbuf();
  return from_bytes(bytes_of_hex(text.str(), path));
}

SiteKey SiteKey::from_bytes(std::string bytes) {
  if (bytes.size() < kMinKeyBytes)
    throw Error(ErrorCode::InvalidArgument, "a site key needs at least " + std::to_string(kMinKeyBytes) + " bytes");
  return SiteKey(std::move(bytes));
}

std::array<std::uint8_t, 32> SiteKey::hmac(std::string_view message) const {
  std::array<std::uint8_t, 32> out{};
  unsigned int n = 0;
  if (!HMAC(EVP_sha256(), bytes_.data(), int(bytes_.size()), reinterpret_cast<const unsigned char*>(message.data()),
            message.size(), out.data(), &n) ||
      n != out.size())
    throw Error(ErrorCode::Io, "HMAC-SHA-256 failed");
  return out;
}

std::string SiteKey::patient_id_for(std::string_view original) const {
  const auto mac = hmac(std::string("patient-id\n") + std::string(original));
  return "ANON-" + hex_of(mac.data(), 8);
}

std::string SiteKey::uid_for(std::string_view original_uid) const {
  const auto mac = hmac(std::string("uid\n") + std::string(original_uid));
  std::uint64_t hi = 0, lo = 0;
  for (int i = 0; i < 8; ++i) {
    hi = (hi << 8) | mac[std::size_t(i)];
    lo = (lo << 8) | mac[std::size_t(8 + i)];
  }
  return uid_from_bits(hi, lo);
}

std::string default_site_key_file() { return default_config_directory() + "/deidentify.key"; }

}  // namespace ft::dicom
