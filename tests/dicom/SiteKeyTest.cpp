#include <gtest/gtest.h>

#include <fstream>

#include "TestSupport.h"
#include "ft/core/Error.h"
#include "ft/dicom/SiteKey.h"

namespace ft::dicom {

TEST(SiteKey, IsMadeOnceReadableByItsOwnerOnlyAndKeptAfterwards) {
  test::TempDir dir;
  const std::string path = dir.file("config/deidentify.key");
  const SiteKey made = SiteKey::load_or_create(path);
  EXPECT_EQ(test::permissions_of(path), 0600);
  EXPECT_EQ(test::permissions_of(dir.file("config")), 0700);
  const std::string text = test::read_file(path);
  const SiteKey read = SiteKey::load_or_create(path);
  EXPECT_EQ(test::read_file(path), text) << "never made again";
  EXPECT_EQ(made.patient_id_for("MRN-1"), read.patient_id_for("MRN-1"));
  const SiteKey other = SiteKey::load_or_create(dir.file("elsewhere/deidentify.key"));
  EXPECT_NE(other.patient_id_for("MRN-1"), made.patient_id_for("MRN-1")) << "random per site";
}

TEST(SiteKey, AnEmptyShortOrGarbledKeyIsAnErrorNotAnEmptyKey) {
  test::TempDir dir;
  for (const char* text : {"", "\n", "abcd\n", "not hex at all, not hex at all, not hex\n"}) {
    std::ofstream(dir.file("k")) << text;
    EXPECT_THROW(SiteKey::load_or_create(dir.file("k")), Error) << "'" << text << "'";
  }
  EXPECT_THROW(SiteKey::from_bytes(""), Error);
  EXPECT_THROW(SiteKey::load(dir.file("mistyped.key")), Error) << "a named key is never made anew";
  EXPECT_FALSE(test::file_exists(dir.file("mistyped.key")));
}

// RFC 4231 test case 1: the MAC is HMAC-SHA-256, not a home-made hash.
TEST(SiteKey, TheMacIsHmacSha256) {
  const auto mac = SiteKey::from_bytes(std::string(20, '\x0b')).hmac("Hi There");
  std::string hex;
  for (std::uint8_t b : mac) {
    hex += "0123456789abcdef"[b >> 4];
    hex += "0123456789abcdef"[b & 15];
  }
  EXPECT_EQ(hex, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
}

TEST(SiteKey, PseudonymsLookLikeWhatTheyReplace) {
  const SiteKey key = SiteKey::from_bytes("0123456789abcdef0123456789abcdef");
  const std::string id = key.patient_id_for("MRN-1");
  EXPECT_EQ(id.rfind("ANON-", 0), 0u);
  EXPECT_EQ(id.size(), 21u);
  EXPECT_LE(id.size(), 64u) << "LO";
  const std::string uid = key.uid_for("1.2.3.4");
  EXPECT_EQ(uid.rfind("2.25.", 0), 0u);
  EXPECT_LE(uid.size(), 64u) << "UI";
  EXPECT_NE(uid[5], '0');
  EXPECT_EQ(uid, key.uid_for("1.2.3.4"));
  EXPECT_NE(uid, key.uid_for("1.2.3.5"));
}

}  // namespace ft::dicom
