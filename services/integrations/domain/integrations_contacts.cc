// Integrations: the contacts feed, the CSV export and unsubscribes.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/util/clock.h"
#include "common/util/ids.h"
#include "common/util/page_size.h"
#include "common/util/status_macros.h"
#include "services/integrations/contacts/contacts_csv.h"
#include "services/integrations/contacts/contacts_projector.h"
#include "services/integrations/domain/input_rules.h"
#include "services/integrations/domain/integrations.h"
#include "services/integrations/peers/registration_directory.h"
#include "services/integrations/store/integrations_store.h"

namespace events::integrations {

using internal::CheckText;

namespace {

constexpr int kDefaultContactsPage = 100;
constexpr int kMaxContactsPage = 500;
constexpr int kMaxExportRows = 20000;  // about 2 MB: well inside gRPC's 4 MB

}  // namespace

absl::StatusOr<events::v1::ListContactsResponse> Integrations::ListContacts(
    const std::string& org_id, const events::v1::ListContactsRequest& request) {
  if (request.after_cursor() < 0) {
    return absl::InvalidArgumentError("after_cursor must be 0 or a cursor this call returned");
  }
  if (!request.event_id().empty()) EVENTS_RETURN_IF_ERROR(ValidateEventId(request.event_id()));
  EVENTS_ASSIGN_OR_RETURN(
      const int size,
      events::PageSize(request.page_size(), {kDefaultContactsPage, kMaxContactsPage}, "page_size"));
  EVENTS_ASSIGN_OR_RETURN(ContactsPage page, store_.Contacts(org_id, request.after_cursor(), size));
  events::v1::ListContactsResponse out;
  const std::string tag = absl::StrCat("event:", request.event_id());
  for (auto& c : page.contacts) {
    // With an event filter: the contacts tagged with it, and every contact who left the list
    // (no tags are left to tell which events it was on), so a one-event sync learns removals.
    if (!request.event_id().empty() && c.subscribed() &&
        std::find(c.tags().begin(), c.tags().end(), tag) == c.tags().end()) {
      continue;
    }
    *out.add_contacts() = std::move(c);
  }
  out.set_next_cursor(page.next_cursor);
  return out;
}

absl::StatusOr<events::v1::ContactsExport> Integrations::ExportContacts(
    const std::string& org_id, const std::string& event_id) {
  if (!event_id.empty()) EVENTS_RETURN_IF_ERROR(ValidateEventId(event_id));
  std::vector<events::v1::MailingContact> rows;
  int64_t cursor = 0;
  const std::string tag = absl::StrCat("event:", event_id);
  while (true) {
    EVENTS_ASSIGN_OR_RETURN(ContactsPage page, store_.Contacts(org_id, cursor, kMaxContactsPage));
    for (auto& c : page.contacts) {
      if (!c.subscribed()) continue;
      if (!event_id.empty() && std::find(c.tags().begin(), c.tags().end(), tag) == c.tags().end()) {
        continue;
      }
      rows.push_back(std::move(c));
    }
    if (page.contacts.empty() || page.next_cursor == cursor) break;
    cursor = page.next_cursor;
    if (rows.size() > static_cast<size_t>(kMaxExportRows)) {
      return absl::FailedPreconditionError(absl::StrCat(
          "more than ", kMaxExportRows, " contacts: use ListContacts (the feed) instead"));
    }
  }
  events::v1::ContactsExport out;
  out.set_filename(event_id.empty() ? "contacts.csv" : absl::StrCat("contacts-", event_id, ".csv"));
  out.set_content_type("text/csv; charset=utf-8");
  out.set_content(ContactsCsv(rows));
  out.set_rows(static_cast<int32_t>(rows.size()));
  return out;
}

absl::StatusOr<events::v1::UnsubscribeResponse> Integrations::Unsubscribe(
    const std::string& org_id, const events::v1::UnsubscribeRequest& request) {
  const std::string email = NormalisedEmail(request.email());
  if (email.empty()) return absl::InvalidArgumentError("email is required");
  if (email.size() > 320 || email.find('@') == std::string::npos) {
    return absl::InvalidArgumentError("email is not an e-mail address");
  }
  EVENTS_RETURN_IF_ERROR(CheckText(request.source(), "source", 0, 100));
  const std::string hash = Sha256Hex(email);
  EVENTS_ASSIGN_OR_RETURN(std::vector<std::string> regs, store_.Suppress(org_id, hash));
  int changed = 0;
  for (const std::string& reg : regs) {
    // Looked up first, so that only a consent that was there counts as changed.
    absl::StatusOr<events::v1::Registration> current = registrations_.Lookup(reg);
    if (absl::IsNotFound(current.status())) continue;
    // Nothing to withdraw. Cancelled and rejected registrations are withdrawn too: they are
    // off the list here, but the organiser's export still shows their consent.
    if (current.ok() && !current->marketing_opt_in()) continue;
    absl::StatusOr<events::v1::Registration> r =
        current.ok() ? registrations_.WithdrawMarketing(reg) : current;
    if (absl::IsNotFound(r.status()) || absl::IsFailedPrecondition(r.status())) continue;
    if (!r.ok()) {
      return absl::UnavailableError(
          absl::StrCat("could not withdraw consent on every registration (", r.status().message(),
                       "); the address is suppressed already: call again to finish"));
    }
    ++changed;
  }
  EVENTS_RETURN_IF_ERROR(store_.ClearContact(org_id, hash));
  events::v1::ContactUnsubscribed payload;
  payload.set_org_id(org_id);
  payload.set_email_sha256(hash);
  payload.set_registrations_changed(changed);
  payload.set_source(request.source());
  events::v1::DomainEvent event;
  event.set_id(ids_.New("de"));
  event.set_type("contact.unsubscribed");
  event.set_source("integrations");
  event.set_time_unix_ms(clock_.NowUnixMs());
  event.set_subject(hash);
  event.set_org_id(org_id);
  event.set_data_type(events::v1::ContactUnsubscribed::descriptor()->full_name());
  event.set_data(payload.SerializeAsString());
  EVENTS_RETURN_IF_ERROR(publish_(event));
  events::v1::UnsubscribeResponse out;
  out.set_registrations_changed(changed);
  return out;
}

}  // namespace events::integrations
