#pragma once

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

// The QR code of the authenticator set-up page (an otpauth:// URI, RFC 6238 key and all),
// drawn on the server as inline SVG with libqrencode. Thread-safe (Debian's libqrencode is
// built with pthreads and guards its one shared table).
namespace events::web::console {

inline constexpr size_t kMaxQrBytes = 1000;
inline constexpr int kQrQuietZone = 4;  // modules of white all round, as ISO/IEC 18004 asks

struct QrCode {
  // <svg> of black squares on white: one <path>, shape-rendering crispEdges, role="img"
  // named "QR code for your authenticator app"; viewBox in modules, width 100%.
  std::string svg;
  int version = 0;  // 1 to 40
  int modules = 0;  // modules per side, without the quiet zone: 17 + 4 * version
};

// The code of `otpauth_uri`, at error correction level M. INVALID_ARGUMENT when it does not
// start with otpauth:// or is longer than kMaxQrBytes bytes (a longer code has modules too
// small for a phone to read off a screen); INTERNAL if libqrencode fails for another reason.
absl::StatusOr<QrCode> AuthenticatorQrCode(absl::string_view otpauth_uri);

}  // namespace events::web::console
