#include "services/web/console/time_text.h"

#include "absl/strings/str_cat.h"
#include "common/time/local_time.h"
#include "services/web/pages/format.h"

namespace events::web::console {

std::string ConsoleTimeText(const Site& site, int64_t unix_ms, const std::string& zone) {
  if (unix_ms <= 0) return "";
  const events::time::LocalDateTime local = events::time::FromUnixMs(unix_ms, zone);
  return absl::StrCat(DateText(site.messages(), events::time::FormatRfc3339(unix_ms, zone)), ", ",
                      ClockText(site.messages(), local.hour, local.minute));
}

}  // namespace events::web::console
