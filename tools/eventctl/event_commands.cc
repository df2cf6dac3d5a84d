// eventctl create, publish, reschedule, cancel, list, show, ics.
#include <grpcpp/grpcpp.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <memory>

#include "events/v1/scheduling.grpc.pb.h"
#include "tools/eventctl/cli_context.h"
#include "tools/eventctl/commands.h"
#include "tools/eventctl/event_printer.h"
#include "tools/eventctl/output.h"

namespace events::eventctl {
namespace {

using events::v1::SchedulingService;

struct CreateOptions {
  std::string title, description, start, end, zone = "Europe/London", mode = "online";
  int capacity = 0;
  std::string join_link, venue_name, venue_address, venue_access;
  std::vector<std::string> provisions;
  int request_deadline_days = 0;
  std::string contact_name, contact_email;
  bool quiet = false;
  std::string output_format = kTextFormat;
};

int Create(const CliContext& ctx, const CreateOptions& o) {
  events::v1::CreateEventRequest req;
  auto* d = req.mutable_details();
  d->set_title(o.title);
  d->set_description(o.description);
  auto mode = ParseMode(o.mode);
  if (!mode.ok()) return UsageError(std::string(mode.status().message()));
  d->set_format(*mode);
  d->set_time_zone(o.zone);
  d->mutable_start()->set_value(o.start);
  d->mutable_end()->set_value(o.end);
  d->set_capacity(o.capacity);
  d->set_join_link(o.join_link);
  d->mutable_venue()->set_name(o.venue_name);
  d->mutable_venue()->set_address(o.venue_address);
  d->mutable_venue()->set_access_information(o.venue_access);
  for (const std::string& spec : o.provisions) {
    auto p = ParseProvision(spec);
    if (!p.ok()) return UsageError(std::string(p.status().message()));
    *d->mutable_accessibility()->add_provisions() = *p;
  }
  d->mutable_accessibility()->set_request_deadline_days(o.request_deadline_days);
  d->mutable_organiser_contact()->set_name(o.contact_name);
  d->mutable_organiser_contact()->set_email(o.contact_email);

  auto stub = SchedulingService::NewStub(ctx.Channel());
  grpc::ClientContext call;
  ctx.Prepare(call);
  events::v1::Event event;
  grpc::Status status = stub->CreateEvent(&call, req, &event);
  if (!status.ok()) return ctx.Fail(status, "create the event");
  if (o.quiet) {
    std::printf("%s\n", event.id().c_str());
  } else if (o.output_format == kJsonFormat) {
    return Emit(o.output_format, event, "");
  } else {
    std::printf("Created a draft. Publish it with: eventctl publish %s\n\n%s", event.id().c_str(),
                DescribeEvent(event).c_str());
  }
  return 0;
}

// Runs one call that returns an Event and prints it.
template <typename Request, typename Method>
int EventCall(const CliContext& ctx, const Request& req, Method method, const std::string& doing,
              const std::string& headline, const std::string& format) {
  auto stub = SchedulingService::NewStub(ctx.Channel());
  grpc::ClientContext call;
  ctx.Prepare(call);
  events::v1::Event event;
  grpc::Status status = ((*stub).*method)(&call, req, &event);
  if (!status.ok()) return ctx.Fail(status, doing);
  if (format == kJsonFormat) return Emit(format, event, "");
  if (!headline.empty()) std::printf("%s\n\n", headline.c_str());
  std::printf("%s", DescribeEvent(event).c_str());
  return kExitOk;
}

int List(const CliContext& ctx, const std::string& status_word, bool upcoming, int limit,
         const std::string& format) {
  auto stub = SchedulingService::NewStub(ctx.Channel());
  events::v1::ListEventsResponse resp;
  grpc::ClientContext call;
  ctx.Prepare(call);
  grpc::Status status;
  if (upcoming) {
    events::v1::ListUpcomingEventsRequest req;
    req.mutable_page()->set_page_size(limit);
    status = stub->ListUpcomingEvents(&call, req, &resp);
  } else {
    auto parsed = ParseStatus(status_word);
    if (!parsed.ok()) return UsageError(std::string(parsed.status().message()));
    events::v1::ListOrganisationEventsRequest req;
    req.set_status(*parsed);
    req.mutable_page()->set_page_size(limit);
    status = stub->ListOrganisationEvents(&call, req, &resp);
  }
  if (!status.ok()) return ctx.Fail(status, "list events");
  if (format == kJsonFormat) return Emit(format, resp, "");
  std::printf("%s", EventTable({resp.events().begin(), resp.events().end()}).c_str());
  if (!resp.next_page_token().empty()) {
    std::printf("(more events than shown: raise --limit, up to 100)\n");
  }
  return 0;
}

int Ics(const CliContext& ctx, const std::string& id, const std::string& out_path) {
  auto stub = SchedulingService::NewStub(ctx.Channel());
  grpc::ClientContext call;
  ctx.Prepare(call);
  events::v1::CalendarFile file;
  grpc::Status status;
  if (id.rfind("se_", 0) == 0) {
    events::v1::GetSeriesCalendarRequest req;
    req.set_series_id(id);
    status = stub->GetSeriesCalendar(&call, req, &file);
  } else {
    events::v1::GetEventCalendarRequest req;
    req.set_event_id(id);
    status = stub->GetEventCalendar(&call, req, &file);
  }
  if (!status.ok()) return ctx.Fail(status, "get the calendar file");
  if (out_path.empty()) {
    std::fwrite(file.content().data(), 1, file.content().size(), stdout);
    return 0;
  }
  std::ofstream out(out_path, std::ios::binary);
  out << file.content();
  if (!out) return LocalError("could not write " + out_path);
  std::printf("Wrote %s (%zu bytes); open it with any calendar program.\n", out_path.c_str(),
              file.content().size());
  return 0;
}

}  // namespace

void AddEventCommands(CLI::App& app, const CliContext& ctx, int& exit_code) {
  auto create = std::make_shared<CreateOptions>();
  CLI::App* c = app.add_subcommand("create", "Create a draft event");
  c->add_option("--title", create->title, "What it is called")->required();
  c->add_option("--description", create->description, "What it is about");
  c->add_option("--start", create->start, "Local start, e.g. 2026-12-10T10:00")->required();
  c->add_option("--end", create->end, "Local end, e.g. 2026-12-10T11:30")->required();
  c->add_option("--zone", create->zone, "IANA time zone")->capture_default_str();
  c->add_option("--mode", create->mode, "How people take part: online, in-person or hybrid")
      ->capture_default_str();
  c->add_option("--capacity", create->capacity, "Number of places")->required();
  c->add_option("--join-link", create->join_link, "https link to the webinar room");
  c->add_option("--venue-name", create->venue_name, "Venue (in person, hybrid)");
  c->add_option("--venue-address", create->venue_address, "Venue address");
  c->add_option("--venue-access", create->venue_access, "Step-free route, hearing loop...");
  c->add_option("--provision", create->provisions,
                "Access offered, NEED:always or NEED:on-request (repeatable)");
  c->add_option("--request-deadline-days", create->request_deadline_days,
                "Access requests needed this many days ahead");
  c->add_option("--contact-name", create->contact_name, "Organiser contact name");
  c->add_option("--contact-email", create->contact_email, "Organiser contact e-mail");
  c->add_flag("-q,--quiet", create->quiet, "Print only the new event's id");
  AddFormatOption(c, create->output_format);
  c->callback([&ctx, &exit_code, create] { exit_code = Create(ctx, *create); });

  auto id = std::make_shared<std::string>();
  auto version = std::make_shared<int64_t>(0);
  CLI::App* p = app.add_subcommand("publish", "Publish a draft: it appears publicly and opens");
  p->add_option("event_id", *id, "Event id")->required();
  p->add_option("--expected-version", *version, "Refuse if the event changed since then");
  auto p_format = std::make_shared<std::string>();
  AddFormatOption(p, *p_format);
  p->callback([&ctx, &exit_code, id, version, p_format] {
    events::v1::PublishEventRequest req;
    req.set_event_id(*id);
    req.set_expected_version(*version);
    exit_code = EventCall(ctx, req, &SchedulingService::Stub::PublishEvent, "publish " + *id,
                          "Published. Reminders are scheduled.", *p_format);
  });

  auto resched = std::make_shared<events::v1::RescheduleEventRequest>();
  auto rs_start = std::make_shared<std::string>(), rs_end = std::make_shared<std::string>();
  CLI::App* r = app.add_subcommand("reschedule", "Move a published event to a new time");
  r->add_option("event_id", *resched->mutable_event_id(), "Event id")->required();
  r->add_option("--start", *rs_start, "New local start")->required();
  r->add_option("--end", *rs_end, "New local end")->required();
  r->add_option("--zone", *resched->mutable_time_zone(), "New zone (default: unchanged)");
  r->add_option("--reason", *resched->mutable_reason(), "Told to everyone registered");
  auto r_format = std::make_shared<std::string>();
  AddFormatOption(r, *r_format);
  r->callback([&ctx, &exit_code, resched, rs_start, rs_end, r_format] {
    resched->mutable_new_start()->set_value(*rs_start);
    resched->mutable_new_end()->set_value(*rs_end);
    exit_code = EventCall(ctx, *resched, &SchedulingService::Stub::RescheduleEvent,
                          "reschedule " + resched->event_id(),
                          "Rescheduled. Reminders moved; calendars get a new SEQUENCE.", *r_format);
  });

  auto cancel = std::make_shared<events::v1::CancelEventRequest>();
  CLI::App* x = app.add_subcommand("cancel", "Cancel an event");
  x->add_option("event_id", *cancel->mutable_event_id(), "Event id")->required();
  x->add_option("--reason", *cancel->mutable_reason(), "Told to everyone registered");
  auto x_format = std::make_shared<std::string>();
  AddFormatOption(x, *x_format);
  x->callback([&ctx, &exit_code, cancel, x_format] {
    exit_code =
        EventCall(ctx, *cancel, &SchedulingService::Stub::CancelEvent,
                  "cancel " + cancel->event_id(), "Cancelled. Reminders removed.", *x_format);
  });

  auto list_status = std::make_shared<std::string>("all");
  auto upcoming = std::make_shared<bool>(false);
  auto limit = std::make_shared<int>(25);
  CLI::App* l = app.add_subcommand("list", "List your organisation's events, or upcoming ones");
  l->add_option("--status", *list_status, "draft, published, cancelled, completed or all")
      ->capture_default_str();
  l->add_flag("--upcoming", *upcoming, "Public list of upcoming published events");
  l->add_option("--limit", *limit, "At most this many (1-100)")->capture_default_str();
  auto l_format = std::make_shared<std::string>();
  AddFormatOption(l, *l_format);
  l->callback([&ctx, &exit_code, list_status, upcoming, limit, l_format] {
    exit_code = List(ctx, *list_status, *upcoming, *limit, *l_format);
  });

  auto show_id = std::make_shared<std::string>();
  CLI::App* s = app.add_subcommand("show", "Show one event");
  s->add_option("event_id", *show_id, "Event id")->required();
  auto s_format = std::make_shared<std::string>();
  AddFormatOption(s, *s_format);
  s->callback([&ctx, &exit_code, show_id, s_format] {
    events::v1::GetEventRequest req;
    req.set_event_id(*show_id);
    exit_code =
        EventCall(ctx, req, &SchedulingService::Stub::GetEvent, "show " + *show_id, "", *s_format);
  });

  auto ics_id = std::make_shared<std::string>(), ics_out = std::make_shared<std::string>();
  CLI::App* i = app.add_subcommand("ics", "Calendar file (.ics) of an event or a series");
  i->add_option("id", *ics_id, "Event id (ev_...) or series id (se_...)")->required();
  i->add_option("-o,--output", *ics_out, "Write to this file instead of the terminal");
  i->callback([&ctx, &exit_code, ics_id, ics_out] { exit_code = Ics(ctx, *ics_id, *ics_out); });
}

}  // namespace events::eventctl
