#include "services/web/console/svg/qr_code.h"

#include <qrencode.h>

#include <cerrno>
#include <memory>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/web/console/svg/chart_colours.h"

namespace events::web::console {
namespace {

struct QrFree {
  void operator()(QRcode* code) const { QRcode_free(code); }
};

absl::Status CheckUri(absl::string_view uri) {
  if (uri.size() > kMaxQrBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("otpauth_uri must be at most ", kMaxQrBytes, " bytes; it has ", uri.size()));
  }
  if (!absl::StartsWithIgnoreCase(uri, "otpauth://")) {
    return absl::InvalidArgumentError("otpauth_uri must start with otpauth://");
  }
  // A URI has no control characters, and libqrencode would stop at a NUL.
  for (char c : uri) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
      return absl::InvalidArgumentError("otpauth_uri must not hold control characters");
    }
  }
  return absl::OkStatus();
}

// The dark modules as one path: each run of dark modules in a row is one rectangle, in
// module units offset by the quiet zone.
std::string DarkModulesPath(const QRcode& code) {
  std::string d;
  for (int y = 0; y < code.width; ++y) {
    const unsigned char* row = code.data + static_cast<ptrdiff_t>(y) * code.width;
    for (int x = 0; x < code.width;) {
      if ((row[x] & 1) == 0) {
        ++x;
        continue;
      }
      int run = 1;
      while (x + run < code.width && (row[x + run] & 1) != 0) ++run;
      absl::StrAppend(&d, "M", x + kQrQuietZone, " ", y + kQrQuietZone, "h", run, "v1h-", run, "z");
      x += run;
    }
  }
  return d;
}

}  // namespace

absl::StatusOr<QrCode> AuthenticatorQrCode(absl::string_view otpauth_uri) {
  if (absl::Status s = CheckUri(otpauth_uri); !s.ok()) return s;
  const std::string text(otpauth_uri);
  // Version 0: the smallest that holds the text; 8-bit mode for what is not digits or
  // capitals, and case kept (the key's base32 capitals may go in the denser mode).
  errno = 0;
  const std::unique_ptr<QRcode, QrFree> code(
      QRcode_encodeString(text.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, /*casesensitive=*/1));
  if (code == nullptr) {
    return absl::InternalError(
        absl::StrCat("libqrencode could not encode otpauth_uri (errno ", errno, ")"));
  }
  QrCode qr;
  qr.version = code->version;
  qr.modules = code->width;
  const int side = code->width + 2 * kQrQuietZone;
  qr.svg = absl::StrCat(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ", side, " ", side,
      "\" width=\"100%\" role=\"img\" aria-labelledby=\"authenticator-qr-title\""
      " shape-rendering=\"crispEdges\">\n"
      "<title id=\"authenticator-qr-title\">QR code for your authenticator app</title>\n"
      "<rect width=\"",
      side, "\" height=\"", side, "\" fill=\"", kBackgroundColour, "\"/>\n<path fill=\"",
      kQrDarkColour, "\" d=\"", DarkModulesPath(*code), "\"/>\n</svg>\n");
  return qr;
}

}  // namespace events::web::console
