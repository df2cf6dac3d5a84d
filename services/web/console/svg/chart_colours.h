#pragma once

#include "absl/strings/string_view.h"

// The console drawings' colours. Each drawing paints its own white background first, so the
// ratios hold on any page: WCAG 2.2 AA asks 4.5:1 of text (1.4.3) and 3:1 of the bars that
// carry meaning (1.4.11). tests/web/console_svg_test.cc works the ratios out.
namespace events::web::console {

inline constexpr absl::string_view kBackgroundColour = "#ffffff";
// Labels and values: 19.6:1 on white (the site's text colour).
inline constexpr absl::string_view kTextColour = "#0b0c0c";
// Bars: 5.2:1 on white, so a bar is seen against the background even as text would be.
inline constexpr absl::string_view kBarColour = "#1d70b8";
// The QR code's dark modules: 21:1, what every scanner reads best.
inline constexpr absl::string_view kQrDarkColour = "#000000";

// The sans-serif stack of the site's stylesheet, so an inline chart reads like the page.
inline constexpr absl::string_view kFontFamily =
    "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif";

}  // namespace events::web::console
