// eventctl access ...: attendees' accessibility requests (with their registration token) and
// the access coordinators' and organisers' views: the calls of
// events.v1.AccessibilityService.
#include <grpcpp/grpcpp.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <vector>

#include "events/v1/accessibility.grpc.pb.h"
#include "tools/eventctl/accessibility_printer.h"
#include "tools/eventctl/cli_context.h"
#include "tools/eventctl/commands.h"
#include "tools/eventctl/event_printer.h"
#include "tools/eventctl/output.h"
#include "tools/eventctl/zones.h"

namespace events::eventctl {
namespace {

using events::v1::AccessibilityService;

// Attendee calls go out without the API key (Credential::kNone): the token in the request
// is the credential.
template <typename Method, typename Request, typename Response>
grpc::Status Call(const CliContext& ctx, Credential credential, Method method, const Request& req,
                  Response* resp) {
  return ctx.Call(Target::kAccessibility, credential, method, req, resp);
}

int Fail(const CliContext& ctx, const grpc::Status& status, const std::string& doing) {
  return ctx.Fail(status, doing, Target::kAccessibility);
}

int Print(const std::string& text) {
  std::printf("%s", text.c_str());
  return kExitOk;
}

// The pages of a listing as one answer, for --format json.
events::v1::ListRequestsResponse Joined(const std::vector<events::v1::AccessibilityRequest>& all) {
  events::v1::ListRequestsResponse joined;
  for (const auto& r : all) *joined.add_requests() = r;
  return joined;
}

// --- Attendees -----------------------------------------------------------------------------

struct MyOptions {
  std::string token;
  std::vector<std::string> needs;
  std::string details, other, contact;
  bool consent = false;
  std::string format = kTextFormat;
};

int MyRequest(const CliContext& ctx, const std::string& what, const MyOptions& o) {
  if (o.token.empty()) {
    return UsageError("no registration token: pass --token or set EVENTS_REGISTRATION_TOKEN");
  }
  events::v1::AccessibilityRequest out;
  grpc::Status status;
  std::string headline;
  if (what == "submit" || what == "update") {
    for (const auto& need : o.needs) {
      if (absl::Status known = CheckNeedCode(need, "--need"); !known.ok()) {
        return UsageError(std::string(known.message()));
      }
    }
    auto details = ParseContact(o.contact);
    if (!details.ok()) return UsageError(std::string(details.status().message()));
    details->set_details(o.details);
    details->set_other_need(o.other);
    if (what == "submit") {
      if (!o.consent) {
        return UsageError(
            "add --consent to agree that the organiser's access coordinators may hold what you "
            "tell them (see: eventctl access catalogue show --event EVENT_ID)");
      }
      events::v1::SubmitRequestRequest req;
      req.set_registration_token(o.token);
      for (const auto& n : o.needs) req.add_needs(n);
      *req.mutable_details() = *details;
      req.set_consent(true);
      status = Call(ctx, Credential::kNone, &AccessibilityService::Stub::SubmitRequest, req, &out);
      headline = "Your request is with the organiser's access coordinators.";
    } else {
      events::v1::UpdateMyRequestRequest req;
      req.set_registration_token(o.token);
      for (const auto& n : o.needs) req.add_needs(n);
      *req.mutable_details() = *details;
      status =
          Call(ctx, Credential::kNone, &AccessibilityService::Stub::UpdateMyRequest, req, &out);
      headline = "Your request is changed; the coordinators will look at it again.";
    }
  } else if (what == "show") {
    events::v1::GetMyRequestRequest req;
    req.set_registration_token(o.token);
    status = Call(ctx, Credential::kNone, &AccessibilityService::Stub::GetMyRequest, req, &out);
  } else if (what == "withdraw") {
    events::v1::WithdrawMyRequestRequest req;
    req.set_registration_token(o.token);
    status =
        Call(ctx, Credential::kNone, &AccessibilityService::Stub::WithdrawMyRequest, req, &out);
    headline = "Your request is withdrawn and its details are deleted.";
  } else {
    events::v1::EraseMyRequestRequest req;
    req.set_registration_token(o.token);
    status = Call(ctx, Credential::kNone, &AccessibilityService::Stub::EraseMyRequest, req, &out);
    headline = "Your request is erased: its details are deleted and it no longer names you.";
  }
  if (!status.ok()) return Fail(ctx, status, what + " your accessibility request");
  if (o.format == kJsonFormat) return Emit(o.format, out, "");
  if (!headline.empty()) std::printf("%s\n\n", headline.c_str());
  return Print(DescribeRequest(out, LookUpEventZone(ctx, out.event_id())));
}

void AddAttendeeCommands(CLI::App* access, const CliContext& ctx, int& exit_code) {
  CLI::App* request =
      access->add_subcommand("request",
                             "Your own request, with your registration token (--token or "
                             "EVENTS_REGISTRATION_TOKEN)");
  request->require_subcommand(1);
  auto o = std::make_shared<MyOptions>();
  o->token = EnvOr("EVENTS_REGISTRATION_TOKEN", "");
  for (const char* what : {"submit", "show", "update", "withdraw", "erase"}) {
    const std::string w = what;
    CLI::App* c = request->add_subcommand(
        w, w == "submit"     ? "Ask for what you need to take part"
           : w == "show"     ? "See your request and where it stands"
           : w == "update"   ? "Change your needs or details (it is looked at afresh)"
           : w == "withdraw" ? "Withdraw your request (its details are deleted at once)"
                             : "Withdraw and erase: the request no longer names you");
    c->add_option("--token", o->token, "Your registration token");
    if (w == "submit" || w == "update") {
      c->add_option("--need", o->needs, "A need code, e.g. bsl_interpreter (repeat for more)")
          ->required();
      c->add_option("--details", o->details, "What would help, in your words");
      c->add_option("--other", o->other, "With --need other: what you need");
      c->add_option("--contact", o->contact,
                    "email:ADDRESS, phone:NUMBER, text:NUMBER or registration-email (default)");
    }
    if (w == "submit") {
      c->add_flag("--consent", o->consent,
                  "You agree that the access coordinators may hold these details");
    }
    if (w == "show") AddFormatOption(c, o->format);
    c->callback([&ctx, &exit_code, o, w] { exit_code = MyRequest(ctx, w, *o); });
  }
}

// --- Coordinators and organisers -----------------------------------------------------------

int Catalogue(const CliContext& ctx, const std::string& event_id, const std::string& format) {
  events::v1::GetCatalogueRequest req;
  req.set_event_id(event_id);
  events::v1::Catalogue out;
  grpc::Status status = Call(ctx, event_id.empty() ? Credential::kKey : Credential::kNone,
                             &AccessibilityService::Stub::GetCatalogue, req, &out);
  if (!status.ok()) return Fail(ctx, status, "get the catalogue");
  return Emit(format, out, DescribeCatalogue(out));
}

int SetLeadTime(const CliContext& ctx, const std::string& need, int days) {
  if (absl::Status known = CheckNeedCode(need, "need"); !known.ok()) {
    return UsageError(std::string(known.message()));
  }
  events::v1::SetLeadTimeRequest req;
  req.set_need(need);
  req.set_lead_time_days(days);
  events::v1::Catalogue out;
  grpc::Status status =
      Call(ctx, Credential::kKey, &AccessibilityService::Stub::SetLeadTime, req, &out);
  if (!status.ok()) return Fail(ctx, status, "set the lead time");
  return Print(DescribeCatalogue(out));
}

int ListRequests(const CliContext& ctx, const std::string& event_id, const std::string& word,
                 const std::string& format) {
  auto status_filter = ParseRequestStatus(word);
  if (!status_filter.ok()) return UsageError(std::string(status_filter.status().message()));
  std::vector<events::v1::AccessibilityRequest> all;
  events::v1::ListRequestsRequest req;
  req.set_event_id(event_id);
  req.set_status(*status_filter);
  req.mutable_page()->set_page_size(100);
  do {
    events::v1::ListRequestsResponse page;
    grpc::Status status =
        Call(ctx, Credential::kKey, &AccessibilityService::Stub::ListRequests, req, &page);
    if (!status.ok()) return Fail(ctx, status, "list accessibility requests");
    all.insert(all.end(), page.requests().begin(), page.requests().end());
    req.mutable_page()->set_page_token(page.next_page_token());
  } while (!req.page().page_token().empty());
  if (format == kJsonFormat) return Emit(format, Joined(all), "");
  return Print(RequestTable(all, {{event_id, LookUpEventZone(ctx, event_id)}}));
}

int ShowRequest(const CliContext& ctx, const std::string& id, const std::string& format) {
  events::v1::GetRequestRequest req;
  req.set_request_id(id);
  events::v1::AccessibilityRequest out;
  grpc::Status status =
      Call(ctx, Credential::kKey, &AccessibilityService::Stub::GetRequest, req, &out);
  if (!status.ok()) return Fail(ctx, status, "read the request");
  if (format == kJsonFormat) return Emit(format, out, "");
  std::printf("(This read of health and disability details is recorded in the audit log.)\n");
  return Print(DescribeRequest(out, LookUpEventZone(ctx, out.event_id())));
}

int AtRisk(const CliContext& ctx, const std::string& format) {
  std::vector<events::v1::AccessibilityRequest> all;
  events::v1::ListAtRiskRequest req;
  req.mutable_page()->set_page_size(100);
  do {
    events::v1::ListRequestsResponse page;
    grpc::Status status =
        Call(ctx, Credential::kKey, &AccessibilityService::Stub::ListAtRisk, req, &page);
    if (!status.ok()) return Fail(ctx, status, "list requests at risk");
    all.insert(all.end(), page.requests().begin(), page.requests().end());
    req.mutable_page()->set_page_token(page.next_page_token());
  } while (!req.page().page_token().empty());
  if (format == kJsonFormat) return Emit(format, Joined(all), "");
  if (all.empty()) return Print("Nothing is at risk.\n");
  EventZones zones;
  for (const auto& r : all) {
    if (zones.count(r.event_id()) == 0) zones[r.event_id()] = LookUpEventZone(ctx, r.event_id());
  }
  return Print(RequestTable(all, zones));
}

struct TransitionOptions {
  std::string request_id, step, reason, offered;
};

int Transition(const CliContext& ctx, const TransitionOptions& o) {
  auto to = ParseTransition(o.step);
  if (!to.ok()) return UsageError(std::string(to.status().message()));
  events::v1::TransitionRequestRequest req;
  req.set_request_id(o.request_id);
  req.set_to(*to);
  req.set_reason(o.reason);
  req.set_offered_instead(o.offered);
  events::v1::AccessibilityRequest out;
  grpc::Status status =
      Call(ctx, Credential::kKey, &AccessibilityService::Stub::TransitionRequest, req, &out);
  if (!status.ok()) return Fail(ctx, status, "move the request");
  return Print(DescribeRequest(out));
}

struct ProvisionOptions {
  std::string event_id, need, description, provision_id;
  std::vector<std::string> request_ids;
};

int AddProvision(const CliContext& ctx, const ProvisionOptions& o) {
  if (absl::Status known = CheckNeedCode(o.need, "--need"); !known.ok()) {
    return UsageError(std::string(known.message()));
  }
  events::v1::AddProvisionRequest req;
  req.set_event_id(o.event_id);
  req.set_need(o.need);
  req.set_description(o.description);
  events::v1::Provision out;
  grpc::Status status =
      Call(ctx, Credential::kKey, &AccessibilityService::Stub::AddProvision, req, &out);
  if (!status.ok()) return Fail(ctx, status, "book the provision");
  return Print(ProvisionTable({out}));
}

int ListProvisions(const CliContext& ctx, const std::string& event_id, const std::string& format) {
  events::v1::ListProvisionsRequest req;
  req.set_event_id(event_id);
  events::v1::ListProvisionsResponse out;
  grpc::Status status =
      Call(ctx, Credential::kKey, &AccessibilityService::Stub::ListProvisions, req, &out);
  if (!status.ok()) return Fail(ctx, status, "list provisions");
  return Emit(format, out, ProvisionTable({out.provisions().begin(), out.provisions().end()}));
}

int Fulfil(const CliContext& ctx, const ProvisionOptions& o) {
  events::v1::FulfilWithProvisionRequest req;
  req.set_provision_id(o.provision_id);
  for (const auto& id : o.request_ids) req.add_request_ids(id);
  events::v1::FulfilWithProvisionResponse out;
  grpc::Status status =
      Call(ctx, Credential::kKey, &AccessibilityService::Stub::FulfilWithProvision, req, &out);
  if (!status.ok()) return Fail(ctx, status, "fulfil requests with the provision");
  std::printf("%s\n", ProvisionTable({out.provision()}).c_str());
  // Deadlines in the event's zone, as every other listing of requests shows them.
  EventZones zones;
  for (const auto& r : out.requests()) {
    if (zones.count(r.event_id()) == 0) zones[r.event_id()] = LookUpEventZone(ctx, r.event_id());
  }
  return Print(RequestTable({out.requests().begin(), out.requests().end()}, zones));
}

int Audit(const CliContext& ctx, int limit, const std::string& format) {
  events::v1::ListAuditLogRequest req;
  req.mutable_page()->set_page_size(limit);
  events::v1::ListAuditLogResponse out;
  grpc::Status status =
      Call(ctx, Credential::kKey, &AccessibilityService::Stub::ListAuditLog, req, &out);
  if (!status.ok()) return Fail(ctx, status, "read the audit log");
  return Emit(format, out, AuditTable({out.entries().begin(), out.entries().end()}));
}

int Counts(const CliContext& ctx, const std::string& event_id, const std::string& format) {
  events::v1::GetRequestCountsRequest req;
  req.set_event_id(event_id);
  events::v1::RequestCounts out;
  grpc::Status status =
      Call(ctx, Credential::kKey, &AccessibilityService::Stub::GetRequestCounts, req, &out);
  if (!status.ok()) return Fail(ctx, status, "count accessibility requests");
  return Emit(format, out, DescribeCounts(out));
}

void AddStaffCommands(CLI::App* access, const CliContext& ctx, int& exit_code) {
  CLI::App* cat = access->add_subcommand("catalogue", "The needs attendees can ask for");
  cat->require_subcommand(1);
  auto cat_event = std::make_shared<std::string>();
  CLI::App* show = cat->add_subcommand("show",
                                       "Needs and lead times (your organisation's, or "
                                       "an event's with --event and no key)");
  show->add_option("--event", *cat_event, "An event id: its organisation's catalogue");
  auto cat_format = std::make_shared<std::string>();
  AddFormatOption(show, *cat_format);
  show->callback([&ctx, &exit_code, cat_event, cat_format] {
    exit_code = Catalogue(ctx, *cat_event, *cat_format);
  });
  auto lead_need = std::make_shared<std::string>();
  auto lead_days = std::make_shared<int>(0);
  CLI::App* lead =
      cat->add_subcommand("set-lead-time", "Change how early a need must be asked for");
  lead->add_option("need", *lead_need, "Need code, e.g. bsl_interpreter")->required();
  lead->add_option("days", *lead_days, "Days before the event start (0-365)")->required();
  lead->callback([&ctx, &exit_code, lead_need, lead_days] {
    exit_code = SetLeadTime(ctx, *lead_need, *lead_days);
  });

  CLI::App* reqs = access->add_subcommand("requests", "Access coordinators: an event's requests");
  reqs->require_subcommand(1);
  auto list_event = std::make_shared<std::string>();
  auto list_status = std::make_shared<std::string>("all");
  CLI::App* l = reqs->add_subcommand("list", "List an event's requests (no details)");
  l->add_option("event_id", *list_event, "Event id")->required();
  l->add_option("--status", *list_status,
                "submitted, acknowledged, in-progress, fulfilled, "
                "cannot-fulfil, withdrawn, needs-reconfirmation or all")
      ->capture_default_str();
  auto staff_format = std::make_shared<std::string>();
  AddFormatOption(l, *staff_format);
  l->callback([&ctx, &exit_code, list_event, list_status, staff_format] {
    exit_code = ListRequests(ctx, *list_event, *list_status, *staff_format);
  });
  auto show_id = std::make_shared<std::string>();
  CLI::App* s = reqs->add_subcommand("show", "One request with its details (audited)");
  s->add_option("request_id", *show_id, "Request id")->required();
  AddFormatOption(s, *staff_format);
  s->callback([&ctx, &exit_code, show_id, staff_format] {
    exit_code = ShowRequest(ctx, *show_id, *staff_format);
  });

  CLI::App* risk =
      access->add_subcommand("at-risk", "Requests not met as their deadline nears, across events");
  AddFormatOption(risk, *staff_format);
  risk->callback([&ctx, &exit_code, staff_format] { exit_code = AtRisk(ctx, *staff_format); });

  auto t = std::make_shared<TransitionOptions>();
  CLI::App* tr = access->add_subcommand("transition", "Move a request along the workflow");
  tr->add_option("request_id", t->request_id, "Request id")->required();
  tr->add_option("step", t->step, "acknowledge, progress, fulfil or cannot")->required();
  tr->add_option("--reason", t->reason, "With cannot: why not");
  tr->add_option("--offered", t->offered, "With cannot: what is offered instead");
  tr->callback([&ctx, &exit_code, t] { exit_code = Transition(ctx, *t); });

  CLI::App* prov = access->add_subcommand("provisions", "Support booked for an event");
  prov->require_subcommand(1);
  auto p = std::make_shared<ProvisionOptions>();
  CLI::App* add = prov->add_subcommand("add", "Book a provision, e.g. a BSL interpreter");
  add->add_option("event_id", p->event_id, "Event id")->required();
  add->add_option("--need", p->need, "Need code it meets")->required();
  add->add_option("--description", p->description, "What is booked")->required();
  add->callback([&ctx, &exit_code, p] { exit_code = AddProvision(ctx, *p); });
  auto pl_event = std::make_shared<std::string>();
  CLI::App* pl = prov->add_subcommand("list", "An event's provisions");
  pl->add_option("event_id", *pl_event, "Event id")->required();
  AddFormatOption(pl, *staff_format);
  pl->callback([&ctx, &exit_code, pl_event, staff_format] {
    exit_code = ListProvisions(ctx, *pl_event, *staff_format);
  });
  CLI::App* f = prov->add_subcommand(
      "fulfil", "Fulfil requests with a provision (all open ones for its need, or --request)");
  f->add_option("provision_id", p->provision_id, "Provision id")->required();
  f->add_option("--request", p->request_ids, "Only these requests (repeat)");
  f->callback([&ctx, &exit_code, p] { exit_code = Fulfil(ctx, *p); });

  auto audit_limit = std::make_shared<int>(25);
  CLI::App* a = access->add_subcommand("audit", "Who read which request's details, newest first");
  a->add_option("--limit", *audit_limit, "At most this many (1-100)")->capture_default_str();
  AddFormatOption(a, *staff_format);
  a->callback([&ctx, &exit_code, audit_limit, staff_format] {
    exit_code = Audit(ctx, *audit_limit, *staff_format);
  });

  auto counts_event = std::make_shared<std::string>();
  CLI::App* c = access->add_subcommand("counts", "Organisers: requests per need and status");
  c->add_option("event_id", *counts_event, "Event id")->required();
  AddFormatOption(c, *staff_format);
  c->callback([&ctx, &exit_code, counts_event, staff_format] {
    exit_code = Counts(ctx, *counts_event, *staff_format);
  });
}

}  // namespace

void AddAccessibilityCommands(CLI::App& app, const CliContext& ctx, int& exit_code) {
  CLI::App* access = app.add_subcommand(
      "access", "Accessibility requests: attendees (request ...) and coordinators");
  access->require_subcommand(1);
  AddAttendeeCommands(access, ctx, exit_code);
  AddStaffCommands(access, ctx, exit_code);
}

}  // namespace events::eventctl
