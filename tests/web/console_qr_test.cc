// The authenticator's QR code: the SVG's squares are the symbol libqrencode made, and the
// symbol itself is a level-M QR code of the right size (checked from the drawing alone).
#include <qrencode.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/web/console/svg/chart_colours.h"
#include "services/web/console/svg/qr_code.h"
#include "tests/web/qr_reader.h"
#include "tests/web/xml_check.h"

namespace events::web::console {
namespace {

using ::events::web::testing::ParseXml;
using ::events::web::testing::QrGrid;
using ::events::web::testing::QrReading;
using ::events::web::testing::ReadQrCode;
using ::events::web::testing::XmlElement;
using ::testing::HasSubstr;

constexpr absl::string_view kUri =
    "otpauth://totp/Inclusive%20Events:ana%40example.org?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    "&issuer=Inclusive%20Events&algorithm=SHA1&digits=6&period=30";

using Grid = std::vector<std::vector<bool>>;  // [row][column], true for dark

struct Drawing {
  XmlElement svg;
  int side = 0;  // of the viewBox, in modules
  Grid dark;     // the path's squares, quiet zone included
};

// Reads the drawing: its viewBox, and which unit squares its one path covers. The path is
// read as SVG says (M absolute; h, v relative; H, V absolute; z), each subpath a rectangle.
Drawing Read(const std::string& text) {
  Drawing d;
  absl::StatusOr<XmlElement> svg = ParseXml(text);
  EXPECT_TRUE(svg.ok()) << svg.status();
  if (!svg.ok()) return d;
  d.svg = *std::move(svg);
  const std::vector<std::string> box = absl::StrSplit(d.svg.Value("viewBox"), ' ');
  EXPECT_EQ(box.size(), 4u);
  if (box.size() != 4) return d;
  EXPECT_EQ(box[0], "0");
  EXPECT_EQ(box[1], "0");
  EXPECT_EQ(box[2], box[3]);
  EXPECT_TRUE(absl::SimpleAtoi(box[2], &d.side));
  d.dark.assign(d.side, std::vector<bool>(d.side, false));
  std::vector<const XmlElement*> paths;
  d.svg.Visit([&paths](const XmlElement& e) {
    if (e.name == "path") paths.push_back(&e);
  });
  EXPECT_EQ(paths.size(), 1u);
  if (paths.size() != 1) return d;
  const std::string& path = paths[0]->Value("d");
  size_t i = 0;
  const auto number = [&]() {
    while (i < path.size() && path[i] == ' ') ++i;
    const size_t start = i;
    if (i < path.size() && path[i] == '-') ++i;
    while (i < path.size() && path[i] >= '0' && path[i] <= '9') ++i;
    int value = 0;
    EXPECT_TRUE(absl::SimpleAtoi(path.substr(start, i - start), &value)) << path.substr(start);
    return value;
  };
  int x = 0, y = 0, min_x = 0, max_x = 0, min_y = 0, max_y = 0;
  while (i < path.size()) {
    const char command = path[i++];
    switch (command) {
      case 'M':
        x = min_x = max_x = number();
        y = min_y = max_y = number();
        break;
      case 'h':
        x += number();
        break;
      case 'v':
        y += number();
        break;
      case 'H':
        x = number();
        break;
      case 'V':
        y = number();
        break;
      case 'z':
        for (int row = min_y; row < max_y; ++row) {
          for (int col = min_x; col < max_x; ++col) {
            EXPECT_FALSE(d.dark.at(row).at(col)) << "a square drawn twice at " << col << "," << row;
            d.dark.at(row).at(col) = true;
          }
        }
        continue;
      default:
        ADD_FAILURE() << "unexpected path command " << command;
        return d;
    }
    min_x = std::min(min_x, x), max_x = std::max(max_x, x);
    min_y = std::min(min_y, y), max_y = std::max(max_y, y);
  }
  return d;
}

struct QrFree {
  void operator()(QRcode* code) const { QRcode_free(code); }
};

// The 15-bit format information of an error correction level (M 00, L 01, H 10, Q 11) and a
// mask: 5 data bits, a BCH(15,5) remainder of generator 10100110111, XOR 101010000010010.
int FormatBits(int level, int mask) {
  const int data = level << 3 | mask;
  int remainder = data << 10;
  for (int bit = 14; bit >= 10; --bit) {
    if ((remainder >> bit) & 1) remainder ^= 0x537 << (bit - 10);
  }
  return ((data << 10) | remainder) ^ 0x5412;
}

TEST(QrCodeTest, TheSquaresAreLibqrencodesSymbolInsideAQuietZone) {
  const absl::StatusOr<QrCode> qr = AuthenticatorQrCode(kUri);
  ASSERT_TRUE(qr.ok()) << qr.status();
  const std::unique_ptr<QRcode, QrFree> expected(QRcode_encodeString(
      std::string(kUri).c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, /*casesensitive=*/1));
  ASSERT_NE(expected, nullptr);
  EXPECT_EQ(qr->version, expected->version);
  EXPECT_EQ(qr->modules, expected->width);
  EXPECT_EQ(qr->modules, 17 + 4 * qr->version);

  const Drawing d = Read(qr->svg);
  ASSERT_EQ(d.side, expected->width + 2 * 4);
  for (int row = 0; row < d.side; ++row) {
    for (int col = 0; col < d.side; ++col) {
      const int r = row - 4, c = col - 4;
      const bool inside = r >= 0 && c >= 0 && r < expected->width && c < expected->width;
      const bool want = inside && (expected->data[r * expected->width + c] & 1) != 0;
      ASSERT_EQ(d.dark[row][col], want) << "module " << c << "," << r;
    }
  }
}

// The symbol drawn, without its quiet zone (which must be all light).
QrGrid Symbol(const Drawing& d) {
  QrGrid symbol;
  for (int row = 0; row < d.side; ++row) {
    if (row >= 4 && row < d.side - 4) symbol.emplace_back();
    for (int col = 0; col < d.side; ++col) {
      const bool quiet = row < 4 || col < 4 || row >= d.side - 4 || col >= d.side - 4;
      if (quiet) {
        EXPECT_FALSE(d.dark[row][col]) << "quiet zone at " << col << "," << row;
      } else {
        symbol.back().push_back(d.dark[row][col]);
      }
    }
  }
  return symbol;
}

TEST(QrCodeTest, ScansBackToTheUri) {
  const std::string prefix = "otpauth://totp/Inclusive%20Events:ana%40example.org?secret=";
  for (const std::string& uri :
       {std::string(kUri), std::string("OTPAUTH://TOTP/12345678901234567890?SECRET=ABC"),
        prefix + std::string(1000 - prefix.size(), 'x')}) {
    const absl::StatusOr<QrCode> qr = AuthenticatorQrCode(uri);
    ASSERT_TRUE(qr.ok()) << qr.status();
    const absl::StatusOr<QrReading> reading = ReadQrCode(Symbol(Read(qr->svg)));
    ASSERT_TRUE(reading.ok()) << reading.status() << " for " << uri;
    EXPECT_EQ(reading->text, uri);
    EXPECT_EQ(reading->version, qr->version);
  }
  // The reader corrects nothing, so one wrong module (the first data bit) is caught.
  QrGrid damaged = Symbol(Read(AuthenticatorQrCode(kUri)->svg));
  damaged.back().back() = !damaged.back().back();
  EXPECT_THAT(std::string(ReadQrCode(damaged).status().message()), HasSubstr("Reed-Solomon"));
}

TEST(QrCodeTest, IsALevelMSymbolOfItsVersionWhenReadFromTheDrawingAlone) {
  const absl::StatusOr<QrCode> qr = AuthenticatorQrCode(kUri);
  ASSERT_TRUE(qr.ok()) << qr.status();
  const Drawing d = Read(qr->svg);
  const int n = qr->modules;
  ASSERT_EQ(d.side, n + 8);
  const auto at = [&d](int col, int row) { return static_cast<bool>(d.dark[row + 4][col + 4]); };

  // Finder patterns in three corners, each with its light separator.
  for (const auto& [x0, y0] : {std::pair{0, 0}, {n - 7, 0}, {0, n - 7}}) {
    for (int r = -1; r <= 7; ++r) {
      for (int c = -1; c <= 7; ++c) {
        if (x0 + c < 0 || y0 + r < 0 || x0 + c >= n || y0 + r >= n) continue;
        const bool ring =
            (r == 0 || r == 6 || c == 0 || c == 6) && r >= 0 && c >= 0 && r <= 6 && c <= 6;
        const bool eye = r >= 2 && r <= 4 && c >= 2 && c <= 4;
        EXPECT_EQ(at(x0 + c, y0 + r), ring || eye) << "finder at " << x0 << "," << y0;
      }
    }
  }
  // Timing patterns between them.
  for (int i = 8; i < n - 8; ++i) {
    EXPECT_EQ(at(i, 6), i % 2 == 0);
    EXPECT_EQ(at(6, i), i % 2 == 0);
  }
  EXPECT_TRUE(at(8, n - 8));  // the dark module

  // Both copies of the format information: level M, the same mask.
  int first = 0, second = 0;
  for (int i = 0; i <= 5; ++i) first |= at(8, i) << i;
  first |= at(8, 7) << 6 | at(8, 8) << 7 | at(7, 8) << 8;
  for (int i = 9; i < 15; ++i) first |= at(14 - i, 8) << i;
  for (int i = 0; i < 8; ++i) second |= at(n - 1 - i, 8) << i;
  for (int i = 8; i < 15; ++i) second |= at(8, n - 15 + i) << i;
  EXPECT_EQ(first, second);
  int level = -1;
  for (int l = 0; l < 4; ++l) {
    for (int mask = 0; mask < 8; ++mask) {
      if (FormatBits(l, mask) == first) level = l;
    }
  }
  EXPECT_EQ(level, 0) << "format bits " << first << " are not level M";
}

TEST(QrCodeTest, TheVersionIsTheSmallestThatHoldsTheUriAtLevelM) {
  // Lower-case letters go in 8-bit mode: at level M version 3 holds 42 bytes, version 4 62
  // (at level L version 3 would hold 53).
  const std::string prefix = "otpauth://totp/";
  const auto version_for = [&prefix](size_t bytes) {
    const absl::StatusOr<QrCode> qr =
        AuthenticatorQrCode(prefix + std::string(bytes - prefix.size(), 'a'));
    EXPECT_TRUE(qr.ok()) << qr.status();
    return qr.ok() ? qr->version : 0;
  };
  EXPECT_EQ(version_for(42), 3);
  EXPECT_EQ(version_for(43), 4);
  EXPECT_EQ(version_for(62), 4);
  EXPECT_EQ(version_for(63), 5);
}

TEST(QrCodeTest, IsAnImageNamedForTheAuthenticatorAndDrawnCrisply) {
  const absl::StatusOr<QrCode> qr = AuthenticatorQrCode(kUri);
  ASSERT_TRUE(qr.ok()) << qr.status();
  const Drawing d = Read(qr->svg);
  EXPECT_EQ(d.svg.Value("role"), "img");
  EXPECT_EQ(d.svg.Value("shape-rendering"), "crispEdges");
  EXPECT_EQ(d.svg.Value("width"), "100%");
  const std::string& title_id = d.svg.Value("aria-labelledby");
  ASSERT_FALSE(d.svg.children.empty());
  const XmlElement& title = d.svg.children[0];
  EXPECT_EQ(title.name, "title");
  EXPECT_EQ(title.Value("id"), title_id);
  EXPECT_EQ(title.text, "QR code for your authenticator app");
  // Dark on a white background of its own, and nothing else drawn.
  ASSERT_EQ(d.svg.children.size(), 3u);
  EXPECT_EQ(d.svg.children[1].name, "rect");
  EXPECT_EQ(d.svg.children[1].Value("fill"), kBackgroundColour);
  EXPECT_EQ(d.svg.children[2].Value("fill"), kQrDarkColour);
  // The key is in the picture only: the markup never spells the URI out.
  EXPECT_FALSE(absl::StrContains(qr->svg, "JBSWY3DP"));
}

TEST(QrCodeTest, RefusesWhatIsNotAnOtpauthUriOfAtMost1000Bytes) {
  const std::string prefix = "otpauth://totp/x?secret=";
  const std::string at_limit = prefix + std::string(1000 - prefix.size(), 'A');
  EXPECT_TRUE(AuthenticatorQrCode(at_limit).ok());

  const absl::StatusOr<QrCode> too_long = AuthenticatorQrCode(at_limit + "A");
  EXPECT_EQ(too_long.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(too_long.status().message()),
              HasSubstr("otpauth_uri must be at most 1000 bytes; it has 1001"));

  for (const std::string& bad :
       {std::string("https://example.org/"), std::string(""),
        std::string("otpauth://totp/x\nsecret"), std::string("otpauth://totp/x\0y", 18)}) {
    const absl::StatusOr<QrCode> qr = AuthenticatorQrCode(bad);
    EXPECT_EQ(qr.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(std::string(qr.status().message()), HasSubstr("otpauth_uri must")) << bad;
  }
}

}  // namespace
}  // namespace events::web::console
