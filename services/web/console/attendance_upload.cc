// The attendance upload: an organiser sends a webinar platform's attendance report (CSV with
// an e-mail column) and sees who was marked and which addresses matched no confirmed sign-up.
#include <httplib.h>

#include "absl/strings/str_cat.h"
#include "services/registration/rules/csv.h"
#include "services/web/console/fields.h"
#include "services/web/console/registration_actions.h"
#include "services/web/console/registrations_common.h"
#include "services/web/http/form.h"

namespace events::web::console {
namespace {

// The service's own limit on a report (ImportAttendance); the route takes a little more for
// the form's other fields and the multipart framing.
constexpr size_t kMaxFileBytes = events::registration::kMaxAttendanceCsvBytes;
constexpr size_t kMaxBodyBytes = kMaxFileBytes + size_t{16} * 1024;
// The addresses listed on the result page; the count says how many there are in all.
constexpr int kMaxNotFoundShown = 500;

Response UploadForm(Console& console, const Request& request, const Person& person,
                    const events::v1::Event& event, const std::vector<FieldError>& errors) {
  const Site& site = console.site;
  Data data(Data::type::object);
  data.set("event", EventHeading(site, event));
  data.set("file", TextField("file", "", errors));
  data.set("max_kb", absl::StrCat(kMaxFileBytes / 1024));
  SetErrors(data, errors);
  return ConsolePage(console, request, person, "console_registrations_upload", data,
                     {site.Text("console_reg_upload_title"), !errors.empty()}, "overview");
}

Response ShowUploadForm(Console& console, const Request& request) {
  Person person;
  if (auto page = SignedInAs(console, request, &person)) return *page;
  events::v1::Event event;
  if (auto page = LoadEvent(console, request, person, &event)) return *page;
  return UploadForm(console, request, person, event, {});
}

Response Upload(Console& console, const Request& request) {
  Site& site = console.site;
  // A multipart body: cpp-httplib has split it into parts (request.body() is empty), so the
  // route's body limit is checked here, per file, as well as by the server for the whole.
  if (request.raw == nullptr || !request.raw->is_multipart_form_data()) {
    return ErrorPage(site, 400, request);
  }
  std::vector<FormPart> parts;
  for (const auto& [name, part] : request.raw->files) {
    parts.push_back({part.name, part.filename, part.content_type, part.content});
  }
  std::vector<FormPart> files;
  auto form = Form::FromParts(parts, kMaxFileBytes, &files);
  const bool too_big = form.status().code() == absl::StatusCode::kOutOfRange;
  if (!form.ok() && !too_big) return ErrorPage(site, 400, request);
  // The token is checked before anything else, a file too large included.
  std::string csrf;
  for (const FormPart& p : parts) {
    if (p.name == "csrf" && !p.IsFile()) csrf = p.content;
  }
  if (auto page = RejectForgery(site, request, csrf)) return *page;
  Person person;
  if (auto page = SignedInAs(console, request, &person)) return *page;
  events::v1::Event event;
  if (auto page = LoadEvent(console, request, person, &event)) return *page;

  const FormPart* file = nullptr;
  for (const FormPart& f : files) {
    if (f.name == "file") file = &f;
  }
  if (too_big) {
    return UploadForm(
        console, request, person, event,
        {{"file", site.messages().Format("err_console_upload_too_big",
                                         {{"kb", absl::StrCat(kMaxFileBytes / 1024)}})}});
  }
  if (file == nullptr || (file->filename.empty() && file->content.empty())) {
    return UploadForm(console, request, person, event,
                      {{"file", site.Text("err_console_upload_required")}});
  }
  if (file->content.empty()) {
    return UploadForm(console, request, person, event,
                      {{"file", site.Text("err_console_upload_empty")}});
  }
  // Checked here with the service's own reader, to say what is wrong at the field.
  auto emails = events::registration::EmailsFromAttendanceCsv(file->content);
  if (!emails.ok()) {
    return UploadForm(console, request, person, event,
                      {{"file", site.Text("err_console_upload_unreadable")}});
  }
  events::v1::ImportAttendanceRequest req;
  req.set_event_id(event.id());
  req.set_csv(file->content);
  events::v1::MarkAttendanceResponse resp;
  auto context = AsPerson(console, request, person);
  const grpc::Status status =
      site.backends.registration().ImportAttendance(context.get(), req, &resp);
  if (status.error_code() == grpc::StatusCode::INVALID_ARGUMENT) {
    return UploadForm(console, request, person, event,
                      {{"file", site.Text("err_console_upload_unreadable")}});
  }
  if (status.error_code() == grpc::StatusCode::FAILED_PRECONDITION) {
    return UploadForm(console, request, person, event,
                      {{"file", site.Text("err_console_upload_too_early")}});
  }
  if (!status.ok()) return ConsoleRpcError(console, request, status, "ImportAttendance");

  // The result is shown in answer to the POST itself: there is nothing to fetch again, and
  // sending the same report twice only marks the same people again.
  Data data(Data::type::object);
  data.set("event", EventHeading(site, event));
  data.set("filename", file->filename);
  data.set("marked", site.messages().Format("console_reg_upload_marked",
                                            {{"count", absl::StrCat(resp.marked())},
                                             {"rows", absl::StrCat(emails->size())}}));
  Data missing(Data::type::list);
  for (int i = 0; i < resp.not_found_size() && i < kMaxNotFoundShown; ++i) {
    Data row(Data::type::object);
    row.set("email", resp.not_found(i));
    missing.push_back(row);
  }
  data.set("not_found", missing);
  data.set("has_not_found", resp.not_found_size() > 0);
  data.set("not_found_count",
           site.messages().Format("console_reg_upload_not_found",
                                  {{"count", absl::StrCat(resp.not_found_size())}}));
  return ConsolePage(console, request, person, "console_registrations_uploaded", data,
                     {site.Text("console_reg_uploaded_title"), false}, "overview");
}

}  // namespace

void AddAttendanceUpload(WebServer& server, Console& console) {
  server.Route("GET", "/manage/events/{id}/attendance/upload",
               [&console](const Request& r) { return ShowUploadForm(console, r); });
  server.Route(
      "POST", "/manage/events/{id}/attendance/upload",
      [&console](const Request& r) { return Upload(console, r); }, kMaxBodyBytes);
}

}  // namespace events::web::console
