// Details at rest: sealed with the current key, bound to the request id, opened with a
// previous key during rotation.
#include "services/accessibility/domain/detail_cipher.h"

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace events::accessibility {
namespace {

using ::testing::HasSubstr;

// Functions rather than static strings, whose constructors would run (and could throw)
// before main.
std::string Key() { return std::string(32, 'k'); }
std::string OldKey() { return std::string(32, 'o'); }

events::v1::RequestDetails Details() {
  events::v1::RequestDetails d;
  d.set_details("I lip-read; please seat me near the front");
  d.set_contact_method(events::v1::CONTACT_METHOD_EMAIL);
  d.set_contact_value("sam@example.org");
  return d;
}

TEST(DetailCipherTest, SealsOpensAndBindsToTheRequest) {
  DetailCipher cipher({"k2", Key()});
  auto sealed = cipher.Seal(Details(), "ar_1");
  ASSERT_TRUE(sealed.ok()) << sealed.status();
  EXPECT_EQ(sealed->key_id, "k2");
  EXPECT_FALSE(absl::StrContains(sealed->ciphertext, "lip-read"));
  EXPECT_FALSE(absl::StrContains(sealed->ciphertext, "sam@example.org"));
  auto opened = cipher.Open(*sealed, "ar_1");
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(opened->details(), Details().details());
  // Moved to another request, it does not open.
  EXPECT_EQ(cipher.Open(*sealed, "ar_2").status().code(), absl::StatusCode::kDataLoss);
  SealedDetails tampered = *sealed;
  tampered.ciphertext[20] ^= 1;
  EXPECT_EQ(cipher.Open(tampered, "ar_1").status().code(), absl::StatusCode::kDataLoss);
}

TEST(DetailCipherTest, RotationKeepsOldDetailsReadable) {
  DetailCipher old_cipher({"k1", OldKey()});
  auto sealed = old_cipher.Seal(Details(), "ar_1");
  ASSERT_TRUE(sealed.ok());
  DetailCipher rotated({"k2", Key()}, {{"k1", OldKey()}});
  EXPECT_TRUE(rotated.Open(*sealed, "ar_1").ok());
  EXPECT_EQ(rotated.Seal(Details(), "ar_1")->key_id, "k2");
  DetailCipher forgot({"k2", Key()});
  absl::Status s = forgot.Open(*sealed, "ar_1").status();
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(s.message(), HasSubstr("ACCESSIBILITY_PREVIOUS_KEYS"));
}

TEST(DetailCipherTest, ParsesKeysAsBase64OrHex) {
  const std::string raw(32, '\x01');
  EXPECT_EQ(*DetailCipher::ParseKey(absl::Base64Escape(raw), "K"), raw);
  EXPECT_EQ(*DetailCipher::ParseKey(absl::BytesToHexString(raw), "K"), raw);
  absl::Status bad = DetailCipher::ParseKey("c2hvcnQ=", "ACCESSIBILITY_ENCRYPTION_KEY").status();
  EXPECT_THAT(bad.message(), HasSubstr("ACCESSIBILITY_ENCRYPTION_KEY must be 32 random bytes"));
  auto list = DetailCipher::ParseKeyList(
      "k0:" + absl::Base64Escape(raw) + ", k1:" + absl::BytesToHexString(raw), "P");
  ASSERT_TRUE(list.ok()) << list.status();
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[1].id, "k1");
  EXPECT_FALSE(DetailCipher::ParseKeyList("nokey", "P").ok());
  EXPECT_TRUE(DetailCipher::ParseKeyList("", "P")->empty());
}

}  // namespace
}  // namespace events::accessibility
