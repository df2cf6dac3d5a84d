#include "services/web/console/members_pages.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/util/text_rules.h"
#include "services/web/console/fields.h"
#include "services/web/console/time_text.h"
#include "services/web/http/csrf.h"
#include "services/web/http/form.h"

namespace events::web::console {
namespace {

using events::v1::Member;
using events::v1::MemberRole;

std::string StatusText(const Site& site, const Member& m) {
  switch (m.status()) {
    case events::v1::MEMBER_STATUS_INVITED:
      return site.Text("member_status_invited");
    case events::v1::MEMBER_STATUS_ACTIVE:
      return site.Text("member_status_active");
    case events::v1::MEMBER_STATUS_REMOVED:
      return site.Text("member_status_removed");
    default:
      return "";
  }
}

Data MemberRow(const Site& site, const std::string& zone, const Member& m) {
  Data row(Data::type::object);
  row.set("id", m.member_id());
  row.set("href", absl::StrCat("/manage/members/", m.member_id()));
  row.set("name", m.name());
  row.set("email", m.email());
  row.set("roles", RolesText(site, m));
  row.set("status", StatusText(site, m));
  row.set("removed", m.status() == events::v1::MEMBER_STATUS_REMOVED);
  row.set("second_factor", site.Text(m.second_factor() ? "yes" : "no"));
  row.set("last_sign_in", m.last_sign_in_unix_ms() > 0
                              ? ConsoleTimeText(site, m.last_sign_in_unix_ms(), zone)
                              : site.Text("member_never_signed_in"));
  return row;
}

// The roles checkboxes: which are ticked, and the error for the group.
Data RolesField(const Site& site, const std::vector<MemberRole>& roles,
                const std::vector<FieldError>& errors) {
  Data field(Data::type::object);
  Data options(Data::type::list);
  const std::pair<MemberRole, absl::string_view> kRoles[] = {
      {events::v1::MEMBER_ROLE_ORGANISER, "organiser"},
      {events::v1::MEMBER_ROLE_ACCESS_COORDINATOR, "access_coordinator"},
      {events::v1::MEMBER_ROLE_VIEWER, "viewer"},
  };
  for (const auto& [role, name] : kRoles) {
    Data o(Data::type::object);
    o.set("value", std::string(name));
    o.set("id", absl::StrCat("roles-", name));
    o.set("label", site.Text(absl::StrCat("role_", name)));
    o.set("hint", site.Text(absl::StrCat("role_", name, "_hint")));
    if (std::find(roles.begin(), roles.end(), role) != roles.end()) o.set("checked", true);
    options.push_back(o);
  }
  field.set("options", options);
  for (const FieldError& e : errors) {
    if (e.field != "roles-organiser") continue;
    field.set("error", e.message);
    field.set("error_id", "roles-error");
  }
  return field;
}

// The roles ticked on a form; an error (on the first checkbox, where the summary links) when
// none is, or a viewer has another role too.
std::vector<MemberRole> ReadRoles(const Site& site, const Form& form,
                                  std::vector<FieldError>* errors) {
  std::vector<MemberRole> roles;
  for (const std::string& v : form.All("roles")) {
    if (v == "organiser") roles.push_back(events::v1::MEMBER_ROLE_ORGANISER);
    if (v == "access_coordinator") roles.push_back(events::v1::MEMBER_ROLE_ACCESS_COORDINATOR);
    if (v == "viewer") roles.push_back(events::v1::MEMBER_ROLE_VIEWER);
  }
  if (roles.empty()) {
    errors->push_back({"roles-organiser", site.Text("err_roles_required")});
  } else if (roles.size() > 1 &&
             std::find(roles.begin(), roles.end(), events::v1::MEMBER_ROLE_VIEWER) != roles.end()) {
    errors->push_back({"roles-organiser", site.Text("err_roles_viewer_alone")});
  }
  return roles;
}

Response List(Console& console, const Request& request) {
  Person person;
  if (auto page = SignedInAs(console, request, &person)) return *page;
  const Site& site = console.site;
  events::v1::ListMembersRequest req;
  req.set_include_removed(true);
  req.mutable_page()->set_page_size(100);
  Data current(Data::type::list);
  Data removed(Data::type::list);
  // Every page: an organisation has a handful of members, or tens, not thousands.
  for (int page = 0; page < 50; ++page) {
    events::v1::ListMembersResponse resp;
    auto context = AsPerson(console, request, person);
    const grpc::Status status =
        console.site.backends.people().ListMembers(context.get(), req, &resp);
    if (!status.ok()) return ConsoleRpcError(console, request, status, "ListMembers");
    for (const Member& m : resp.members()) {
      (m.status() == events::v1::MEMBER_STATUS_REMOVED ? removed : current)
          .push_back(MemberRow(site, console.zone, m));
    }
    if (resp.next_page_token().empty()) break;
    req.mutable_page()->set_page_token(resp.next_page_token());
  }
  Data data(Data::type::object);
  data.set("members", current);
  if (!removed.is_empty_list()) {
    data.set("has_removed", true);
    data.set("removed", removed);
  }
  data.set("organiser", person.IsOrganiser());
  const std::string invited = request.Query("invited");
  if (invited == "yes") data.set("invited", true);
  if (request.Query("removed") == "yes") data.set("was_removed", true);
  return ConsolePage(console, request, person, "console_members", data,
                     {site.Text("console_members_title"), false}, "members");
}

Response InviteForm(Console& console, const Request& request, const Person& person,
                    const Form* form, const std::vector<FieldError>& errors) {
  const Site& site = console.site;
  std::vector<FieldError> ignored;
  Data data(Data::type::object);
  data.set("name", TextField("name", form ? form->Get("name") : "", errors));
  data.set("email", TextField("email", form ? form->Get("email") : "", errors));
  data.set("roles",
           RolesField(site, form ? ReadRoles(site, *form, &ignored) : std::vector<MemberRole>{},
                      errors));
  data.set("idempotency_key", form ? form->Get("idempotency_key").substr(0, 64) : RandomToken(16));
  SetErrors(data, errors);
  return ConsolePage(console, request, person, "console_invite", data,
                     {site.Text("console_invite_title"), !errors.empty()}, "members");
}

Response Invite(Console& console, const Request& request) {
  auto signed_in = SignedIn(console, request);
  if (auto* r = std::get_if<Response>(&signed_in)) return *r;
  return InviteForm(console, request, std::get<Person>(signed_in), nullptr, {});
}

Response SendInvite(Console& console, const Request& request) {
  Site& site = console.site;
  Form form;
  Person person;
  if (auto page = ReadPostedAsPerson(console, request, &form, &person)) return *page;
  std::vector<FieldError> errors;
  const std::string name(absl::StripAsciiWhitespace(form.Get("name")));
  const std::string email(absl::StripAsciiWhitespace(form.Get("email")));
  if (name.empty()) {
    errors.push_back({"name", site.Text("err_member_name_required")});
  } else if (!CheckText(name, "name", 1, 100).ok()) {
    errors.push_back({"name", site.Text("err_member_name_rule")});
  }
  if (email.empty()) {
    errors.push_back({"email", site.Text("err_email_required")});
  } else if (!CheckEmail(NormaliseEmailAddress(email), "email").ok()) {
    errors.push_back({"email", site.Text("err_email_format")});
  }
  const std::vector<MemberRole> roles = ReadRoles(site, form, &errors);
  if (!errors.empty()) return InviteForm(console, request, person, &form, errors);
  events::v1::InviteMemberRequest req;
  req.set_name(name);
  req.set_email(email);
  for (MemberRole r : roles) req.add_roles(r);
  req.set_idempotency_key(form.Get("idempotency_key").substr(0, 64));
  Member member;
  auto context = AsPerson(console, request, person);
  const grpc::Status status = site.backends.people().InviteMember(context.get(), req, &member);
  if (status.error_code() == grpc::StatusCode::ALREADY_EXISTS) {
    return InviteForm(console, request, person, &form, {{"email", site.Text("err_member_exists")}});
  }
  if (!status.ok()) return ConsoleRpcError(console, request, status, "InviteMember");
  return Response::Redirect("/manage/members?invited=yes");
}

std::optional<Response> LoadMember(Console& console, const Request& request, const Person& person,
                                   Member* member) {
  const std::string& id = request.params.at(0);
  if (!IsPathId(id)) return ErrorPage(console.site, 404, request);
  events::v1::GetMemberRequest req;
  req.set_member_id(id);
  auto context = AsPerson(console, request, person);
  const grpc::Status status = console.site.backends.people().GetMember(context.get(), req, member);
  if (status.error_code() == grpc::StatusCode::INVALID_ARGUMENT) {
    return ErrorPage(console.site, 404, request);
  }
  if (!status.ok()) return ConsoleRpcError(console, request, status, "GetMember");
  return std::nullopt;
}

Response MemberPage(Console& console, const Request& request, const Person& person, const Member& m,
                    const Form* form, const std::vector<FieldError>& errors) {
  const Site& site = console.site;
  Data data = MemberRow(site, console.zone, m);
  std::vector<MemberRole> roles;
  std::vector<FieldError> ignored;
  if (form != nullptr) {
    roles = ReadRoles(site, *form, &ignored);
  } else {
    for (int r : m.roles()) roles.push_back(static_cast<MemberRole>(r));
  }
  data.set("roles_choice", RolesField(site, roles, errors));
  data.set("version", absl::StrCat(m.version()));
  data.set("organiser", person.IsOrganiser());
  data.set("is_self", m.member_id() == person.me.member().member_id());
  data.set("has_second_factor", m.second_factor());
  if (request.Query("saved") == "yes") data.set("saved", true);
  if (request.Query("reset") == "yes") data.set("was_reset", true);
  SetErrors(data, errors);
  return ConsolePage(console, request, person, "console_member", data, {m.name(), !errors.empty()},
                     "members");
}

Response ShowMember(Console& console, const Request& request) {
  Person person;
  if (auto page = SignedInAs(console, request, &person)) return *page;
  Member m;
  if (auto page = LoadMember(console, request, person, &m)) return *page;
  return MemberPage(console, request, person, m, nullptr, {});
}

Response ChangeRoles(Console& console, const Request& request) {
  Site& site = console.site;
  Form form;
  Person person;
  if (auto page = ReadPostedAsPerson(console, request, &form, &person)) return *page;
  Member m;
  if (auto page = LoadMember(console, request, person, &m)) return *page;
  std::vector<FieldError> errors;
  const std::vector<MemberRole> roles = ReadRoles(site, form, &errors);
  int64_t version = 0;
  if (!absl::SimpleAtoi(form.Get("version"), &version)) version = -1;
  if (!errors.empty()) return MemberPage(console, request, person, m, &form, errors);
  events::v1::ChangeMemberRolesRequest req;
  req.set_member_id(m.member_id());
  for (MemberRole r : roles) req.add_roles(r);
  req.set_expected_version(version);
  Member changed;
  auto context = AsPerson(console, request, person);
  const grpc::Status status =
      site.backends.people().ChangeMemberRoles(context.get(), req, &changed);
  if (status.error_code() == grpc::StatusCode::ABORTED) {
    return MemberPage(console, request, person, m, nullptr,
                      {{"roles-organiser", site.Text("err_member_changed")}});
  }
  if (status.error_code() == grpc::StatusCode::FAILED_PRECONDITION) {
    return MemberPage(console, request, person, m, &form,
                      {{"roles-organiser", site.Text("err_last_organiser")}});
  }
  if (!status.ok()) return ConsoleRpcError(console, request, status, "ChangeMemberRoles");
  return Response::Redirect(absl::StrCat("/manage/members/", m.member_id(), "?saved=yes"));
}

Response ConfirmRemove(Console& console, const Request& request) {
  Person person;
  if (auto page = SignedInAs(console, request, &person)) return *page;
  Member m;
  if (auto page = LoadMember(console, request, person, &m)) return *page;
  Data data = MemberRow(console.site, console.zone, m);
  return ConsolePage(console, request, person, "console_member_remove", data,
                     {console.site.Text("console_member_remove_title"), false}, "members");
}

Response Remove(Console& console, const Request& request) {
  Site& site = console.site;
  Form form;
  Person person;
  if (auto page = ReadPostedAsPerson(console, request, &form, &person)) return *page;
  Member m;
  if (auto page = LoadMember(console, request, person, &m)) return *page;
  events::v1::RemoveMemberRequest req;
  req.set_member_id(m.member_id());
  Member removed;
  auto context = AsPerson(console, request, person);
  const grpc::Status status = site.backends.people().RemoveMember(context.get(), req, &removed);
  if (status.error_code() == grpc::StatusCode::FAILED_PRECONDITION) {
    return MemberPage(console, request, person, m, nullptr,
                      {{"roles-organiser", site.Text("err_last_organiser")}});
  }
  if (!status.ok()) return ConsoleRpcError(console, request, status, "RemoveMember");
  // Removing yourself ends your own session too.
  if (m.member_id() == person.me.member().member_id()) {
    Response r = Response::Redirect("/manage/signed-out");
    r.headers.emplace_back("Set-Cookie", console.cookies.Clear(kSessionCookie));
    return r;
  }
  return Response::Redirect("/manage/members?removed=yes");
}

Response ResetSecondFactor(Console& console, const Request& request) {
  Site& site = console.site;
  Form form;
  Person person;
  if (auto page = ReadPostedAsPerson(console, request, &form, &person)) return *page;
  Member m;
  if (auto page = LoadMember(console, request, person, &m)) return *page;
  events::v1::ResetSecondFactorRequest req;
  req.set_member_id(m.member_id());
  Member reset;
  auto context = AsPerson(console, request, person);
  const grpc::Status status = site.backends.people().ResetSecondFactor(context.get(), req, &reset);
  if (!status.ok()) return ConsoleRpcError(console, request, status, "ResetSecondFactor");
  return Response::Redirect(absl::StrCat("/manage/members/", m.member_id(), "?reset=yes"));
}

std::string ActionText(const Site& site, const std::string& action) {
  const std::string key = absl::StrCat("audit_", action);
  return site.messages().Has(key) ? site.Text(key) : action;
}

Response Audit(Console& console, const Request& request) {
  Person person;
  if (auto page = SignedInAs(console, request, &person)) return *page;
  const Site& site = console.site;
  events::v1::ListPeopleAuditRequest req;
  req.mutable_page()->set_page_size(50);
  const std::string after = request.Query("after");
  if (!after.empty() && after.size() <= 200) req.mutable_page()->set_page_token(after);
  events::v1::ListPeopleAuditResponse resp;
  auto context = AsPerson(console, request, person);
  const grpc::Status status = site.backends.people().ListPeopleAudit(context.get(), req, &resp);
  if (status.error_code() == grpc::StatusCode::INVALID_ARGUMENT) {
    return ErrorPage(site, 404, request);
  }
  if (!status.ok()) return ConsoleRpcError(console, request, status, "ListPeopleAudit");
  Data rows(Data::type::list);
  for (const auto& e : resp.entries()) {
    Data row(Data::type::object);
    row.set("when", ConsoleTimeText(site, e.at_unix_ms(), console.zone));
    row.set("who", e.actor_name().empty() ? e.actor_id() : e.actor_name());
    row.set("what", ActionText(site, e.action()));
    row.set("member", e.member_name());
    row.set("detail", e.detail());
    rows.push_back(row);
  }
  Data data(Data::type::object);
  data.set("entries", rows);
  if (!resp.next_page_token().empty()) {
    data.set("next_href", absl::StrCat("/manage/audit?after=", resp.next_page_token()));
  }
  return ConsolePage(console, request, person, "console_audit", data,
                     {site.Text("console_audit_title"), false}, "members");
}

}  // namespace

void AddMembersPages(WebServer& server, Console& console) {
  server.Route("GET", "/manage/members", [&console](const Request& r) { return List(console, r); });
  server.Route("GET", "/manage/members/invite",
               [&console](const Request& r) { return Invite(console, r); });
  server.Route("POST", "/manage/members/invite",
               [&console](const Request& r) { return SendInvite(console, r); });
  server.Route("GET", "/manage/members/{id}",
               [&console](const Request& r) { return ShowMember(console, r); });
  server.Route("POST", "/manage/members/{id}/roles",
               [&console](const Request& r) { return ChangeRoles(console, r); });
  server.Route("GET", "/manage/members/{id}/remove",
               [&console](const Request& r) { return ConfirmRemove(console, r); });
  server.Route("POST", "/manage/members/{id}/remove",
               [&console](const Request& r) { return Remove(console, r); });
  server.Route("POST", "/manage/members/{id}/reset-second-factor",
               [&console](const Request& r) { return ResetSecondFactor(console, r); });
  server.Route("GET", "/manage/audit", [&console](const Request& r) { return Audit(console, r); });
}

}  // namespace events::web::console
