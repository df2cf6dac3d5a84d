#include "services/web/api/problem.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "common/log/json_escape.h"

namespace events::web::api {
namespace {

// Short words for each status, as the problem's title.
const char* TitleOf(int http_status) {
  switch (http_status) {
    case 400:
      return "The request is not valid";
    case 401:
      return "An API key is needed";
    case 403:
      return "Not allowed";
    case 404:
      return "Not found";
    case 405:
      return "Method not allowed";
    case 409:
      return "Conflict";
    case 412:
      return "The version has changed";
    case 413:
      return "The request is too large";
    case 415:
      return "Send JSON";
    case 429:
      return "Too many requests";
    case 499:
      return "Cancelled";
    case 501:
      return "Not implemented";
    case 503:
      return "Unavailable, try again";
    case 504:
      return "Timed out, try again";
    default:
      return "Something went wrong on our side";
  }
}

std::string CodeName(absl::StatusCode code) {
  return absl::AsciiStrToUpper(absl::StatusCodeToString(code));
}

}  // namespace

int HttpStatusOf(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOk:
      return 200;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kOutOfRange:
      return 400;
    case absl::StatusCode::kUnauthenticated:
      return 401;
    case absl::StatusCode::kPermissionDenied:
      return 403;
    case absl::StatusCode::kNotFound:
      return 404;
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kAborted:
      return 409;
    case absl::StatusCode::kResourceExhausted:
      return 429;
    case absl::StatusCode::kCancelled:
      return 499;
    case absl::StatusCode::kUnimplemented:
      return 501;
    case absl::StatusCode::kUnavailable:
      return 503;
    case absl::StatusCode::kDeadlineExceeded:
      return 504;
    default:  // INTERNAL, UNKNOWN, DATA_LOSS
      return 500;
  }
}

Response Problem(absl::StatusCode code, absl::string_view detail, const Request& request,
                 int http_status) {
  const int status = http_status != 0 ? http_status : HttpStatusOf(code);
  const std::string name = CodeName(code);
  const auto quoted = [](absl::string_view text) {
    return absl::StrCat(
        "\"", events::logging::JsonEscape(std::string_view(text.data(), text.size())), "\"");
  };
  Response response;
  response.status = status;
  response.content_type = "application/problem+json";
  // The members in one order, RFC 9457's first.
  response.body = absl::StrCat(
      "{\"type\":",
      quoted(absl::StrCat("https://inclusive-events.example/problems/",
                          absl::StrReplaceAll(absl::AsciiStrToLower(name), {{"_", "-"}}))),
      ",\"title\":", quoted(TitleOf(status)), ",\"status\":", status,
      ",\"detail\":", quoted(detail), ",\"code\":", quoted(name),
      ",\"request_id\":", quoted(request.request_id), "}");
  if (status == 429) response.headers.emplace_back("Retry-After", "1");
  return response;
}

Response HttpProblem(int http_status, absl::string_view detail, const Request& request) {
  absl::StatusCode code = absl::StatusCode::kInvalidArgument;
  switch (http_status) {
    case 403:
      code = absl::StatusCode::kPermissionDenied;
      break;
    case 404:
      code = absl::StatusCode::kNotFound;
      break;
    case 405:
      code = absl::StatusCode::kUnimplemented;
      break;
    case 413:
    case 429:
      code = absl::StatusCode::kResourceExhausted;
      break;
    default:
      if (http_status >= 500) code = absl::StatusCode::kInternal;
  }
  return Problem(code, detail, request, http_status);
}

}  // namespace events::web::api
