#include "tools/register_ceiling/bench_registration.h"

#include "absl/strings/str_cat.h"
#include "common/bus/keyspace.h"
#include "common/util/ids.h"
#include "services/registration/rules/link_token.h"
#include "services/registration/rules/registration_rules.h"

namespace events::register_ceiling {

registration::NewRegistration BenchRegistration(const BenchAttendees& run, int64_t n,
                                                int64_t now_ms, int64_t deadline_ms,
                                                const events::IdGenerator& ids) {
  registration::NewRegistration reg;
  events::v1::Registration& r = reg.registration;
  // "rg_<event core>-<26 characters>": the event's partition (IsRegistrationId).
  const std::string core(events::bus::PartitionKeyOf(run.event_id));
  r.set_id(absl::StrCat("rg_", core, "-", ids.New("x").substr(2)));
  r.set_event_id(run.event_id);
  r.set_name(absl::StrCat("Bench Attendee ", n));
  r.set_email(absl::StrCat(run.email_prefix, "-", n, "@bench.example.org"));
  r.set_pool(std::string(registration::kGeneralPool));
  r.set_created_unix_ms(now_ms);
  reg.email_normalised = registration::NormaliseEmail(r.email());
  reg.token_hash = Sha256Hex(registration::DeriveLinkToken(run.link_secret, r.id(), ""));
  reg.places = 1;
  reg.settings_version = run.settings_version;
  reg.deadline_unix_ms = now_ms + deadline_ms;
  reg.client_address = "127.0.0.1";
  return reg;
}

}  // namespace events::register_ceiling
