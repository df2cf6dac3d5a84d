#pragma once

#include <string>

#include "services/web/console/console.h"

namespace events::web::console {

// Approve, reject, cancel with a reason, and mark attendance, each a POST that returns to the
// list it came from (registration_actions.cc).
void AddRegistrationActions(WebServer& server, Console& console);

// The attendance upload: a webinar platform's CSV (attendance_upload.cc).
void AddAttendanceUpload(WebServer& server, Console& console);

// The list's filters as a query string ("status=pending&q=sam"), kept in each row's forms so
// that an action returns to the page it was taken on. Only the list's own parameters, each
// re-encoded: never a place elsewhere.
std::string ListQuery(const std::string& status, const std::string& pool, const std::string& q,
                      const std::string& after);

}  // namespace events::web::console
