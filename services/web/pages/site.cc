#include "services/web/pages/site.h"

#include <spdlog/spdlog.h>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/log/log_fields.h"
#include "common/util/redact.h"

namespace events::web {

Response HtmlPage(const Site& site, absl::string_view page, const Data& data, const PageMeta& meta,
                  Caching caching) {
  Response r;
  r.body = site.renderer.Page(page, data, meta);
  r.caching = caching;
  return r;
}

Response FormPage(const Site& site, const Request& request, absl::string_view page, Data data,
                  const PageMeta& meta) {
  const Csrf::Issued issued = site.csrf.ForPage(request);
  data.set("csrf", issued.token);
  Response r = HtmlPage(site, page, data, meta, Caching::kNone);
  if (!issued.set_cookie.empty()) r.headers.emplace_back("Set-Cookie", issued.set_cookie);
  return r;
}

Response ErrorPage(const Site& site, int status, const Request& request) {
  std::string key;
  switch (status) {
    case 400:
    case 404:
    case 403:
    case 405:
    case 413:
    case 429:
    case 503:
      key = absl::StrCat("error_", status);
      break;
    default:
      key = "error_500";
  }
  Data data(Data::type::object);
  data.set("heading", site.Text(absl::StrCat(key, "_heading")));
  data.set("body", site.Text(absl::StrCat(key, "_body")));
  data.set("request_id", request.request_id);
  Response r = HtmlPage(site, "error", data, {site.Text(absl::StrCat(key, "_heading")), false});
  r.status = status;
  return r;
}

Response RpcErrorPage(const Site& site, const grpc::Status& status, const Request& request,
                      absl::string_view what) {
  switch (status.error_code()) {
    case grpc::StatusCode::NOT_FOUND:
      return ErrorPage(site, 404, request);
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return ErrorPage(site, 429, request);
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      LogServiceFailure(spdlog::level::warn, "service call failed", what, status);
      return ErrorPage(site, 503, request);
    default:
      LogServiceFailure(spdlog::level::err, "service call failed", what, status);
      return ErrorPage(site, 500, request);
  }
}

void LogServiceFailure(spdlog::level::level_enum level, absl::string_view message,
                       absl::string_view what, const grpc::Status& status) {
  events::logging::LogWithFields(
      level, std::string_view(message.data(), message.size()),
      {{"call", std::string(what)},
       {"code", absl::StatusCodeToString(static_cast<absl::StatusCode>(status.error_code()))},
       {"error", RedactContacts(status.error_message())}});
}

Response PathLookupErrorPage(const Site& site, const grpc::Status& status, const Request& request,
                             absl::string_view what) {
  if (status.error_code() == grpc::StatusCode::INVALID_ARGUMENT) {
    return ErrorPage(site, 404, request);
  }
  return RpcErrorPage(site, status, request, what);
}

std::optional<Response> RejectForgery(const Site& site, const Request& request,
                                      absl::string_view form_token) {
  if (site.csrf.Valid(request, form_token)) return std::nullopt;
  return ErrorPage(site, 403, request);
}

bool IsPathId(absl::string_view value) {
  if (value.empty() || value.size() > 200) return false;
  for (char c : value) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.') {
      return false;
    }
  }
  return true;
}

std::optional<Response> ReadPostedForm(const Site& site, const Request& request, Form* form) {
  auto parsed = Form::Parse(request.body());
  if (!parsed.ok()) return ErrorPage(site, 400, request);
  *form = *std::move(parsed);
  return RejectForgery(site, request, form->Get("csrf"));
}

std::string RegistrationStatusText(const Site& site, const events::v1::Registration& r) {
  switch (r.status()) {
    case events::v1::REGISTRATION_STATUS_CONFIRMED:
      return site.Text("status_confirmed");
    case events::v1::REGISTRATION_STATUS_WAITLISTED:
      return site.messages().Format("status_waitlisted",
                                    {{"position", std::to_string(r.waitlist_position())}});
    case events::v1::REGISTRATION_STATUS_PENDING_APPROVAL:
      return site.Text("status_pending");
    case events::v1::REGISTRATION_STATUS_CANCELLED:
      return site.Text("status_cancelled");
    case events::v1::REGISTRATION_STATUS_REJECTED:
      return site.Text("status_rejected");
    default:
      return "";
  }
}

}  // namespace events::web
