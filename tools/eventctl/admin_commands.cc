// eventctl admin bootstrap (the first organisation and key on a new installation, and with
// --person-name/--person-email its first organiser as a person, invited by e-mail),
// admin service-key (a key for one service to call another) and admin check-key (is this key
// still valid?). They talk to Redis directly, so they are for whoever runs the installation,
// not for organisers.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "common/auth/authenticator.h"
#include "common/auth/key_store.h"
#include "common/bus/keyspace.h"
#include "common/bus/partition_guard.h"
#include "common/config/service_config.h"
#include "common/redis/redis_client.h"
#include "common/util/clock.h"
#include "common/util/ids.h"
#include "events/v1/people.pb.h"
#include "services/people/domain/member_rules.h"
#include "services/people/domain/people.h"
#include "services/people/store/redis_people_store.h"
#include "tools/eventctl/cli_context.h"
#include "tools/eventctl/commands.h"

namespace events::eventctl {
namespace {

// The Redis that ./scripts/run starts (REDIS_PORT, 6380, so that it never clashes with a Redis
// on 6379): what a new user following the README has. Elsewhere set EVENTS_REDIS_URL (the
// eventctl pod of deploy/k8s does).
constexpr char kDefaultRedisUrl[] = "redis://127.0.0.1:6380/0";

// Prints "could not <doing>: <why>" (and, when Redis did not answer, where it was looked
// for); returns kExitUnreachable when Redis could not be reached, else kExitFailed.
int AdminFail(const std::string& doing, const absl::Status& status, const std::string& url) {
  std::fprintf(stderr, "eventctl: could not %s: %s\n", doing.c_str(),
               std::string(status.message()).c_str());
  if (status.code() != absl::StatusCode::kUnavailable &&
      status.code() != absl::StatusCode::kDeadlineExceeded) {
    return kExitFailed;
  }
  std::fprintf(stderr,
               "  Is Redis running at %s? ./scripts/run starts one there by default; elsewhere "
               "pass --redis-url or set EVENTS_REDIS_URL.\n",
               config::RedactedRedisUrl(url).c_str());
  return kExitUnreachable;
}

struct BootstrapOptions {
  std::string org_name;
  bool allow_same_name = false;
  // The first organiser, invited by e-mail (both or neither).
  std::string person_name;
  std::string person_email;
  std::string redis_url;
  std::string key_prefix;
  // 0: not given; the count recorded in Redis, else the default (OpenKeyStore).
  int partitions = 0;
  std::string format = "text";
};

struct ServiceKeyOptions {
  std::string name;
  std::string redis_url;
  std::string key_prefix;
  std::string format = "text";
};

// What an admin command needs to write keys straight into Redis.
class KeyStoreAccess {
 public:
  // `partitions`: the installation's EVENTS_PARTITIONS, which decides the stream a domain
  // event goes to (the services read only theirs).
  KeyStoreAccess(const redis::RedisOptions& options, const std::string& key_prefix, int partitions)
      : redis_(options), keys_(key_prefix, partitions), store_(redis_, keys_), ids_(clock_) {}

  auth::KeyStore& store() { return store_; }
  const IdGenerator& ids() const { return ids_; }
  const Clock& clock() const { return clock_; }
  redis::RedisClient& redis() { return redis_; }
  const bus::Keyspace& keys() const { return keys_; }

 private:
  redis::RedisClient redis_;
  bus::Keyspace keys_;
  auth::RedisKeyStore store_;
  SystemClock clock_;
  IdGenerator ids_;
};

// The installation's partition count as the services read it (bus::InstallationPartitions:
// the record, else the streams they left), else the services' default: a new installation's
// services will record that. Only the record's shape matters to what eventctl writes today
// (people's keys and stream are partition 0's whatever the count), so a Redis that does not
// answer is left to the command itself to report.
int RecordedPartitions(const redis::RedisOptions& options, const std::string& prefix) {
  redis::RedisClient redis(options);
  auto count = bus::InstallationPartitions(redis, bus::Keyspace(prefix, 1));
  if (count.ok() && *count >= 1) return *count;
  return config::kDefaultPartitions;
}

// Parses --redis-url; prints the problem and returns nullptr when it is malformed.
// `partitions` 0: the count recorded in Redis (RecordedPartitions).
std::unique_ptr<KeyStoreAccess> OpenKeyStore(const std::string& url, const std::string& prefix,
                                             int partitions = 0) {
  auto options = redis::ParseRedisUrl(url);
  if (!options.ok()) {
    std::fprintf(stderr, "eventctl: --redis-url: %s\n",
                 std::string(options.status().message()).c_str());
    return nullptr;
  }
  if (partitions == 0) partitions = RecordedPartitions(*options, prefix);
  return std::make_unique<KeyStoreAccess>(*options, prefix, partitions);
}

int ServiceKey(const ServiceKeyOptions& o) {
  auto access = OpenKeyStore(o.redis_url, o.key_prefix);
  if (access == nullptr) return kExitUsage;
  // A service key belongs to no organisation: it lets one service read what another holds
  // for any organisation (registration reading events from scheduling, say).
  auto issued = auth::IssueKey(access->store(), access->ids(), access->clock(), /*org_id=*/"",
                               {auth::Role::kService}, {}, o.name);
  if (!issued.ok()) {
    return AdminFail("make the service key", issued.status(), o.redis_url);
  }
  if (o.format == "env") {
    std::printf("EVENTS_SERVICE_KEY=%s\n", issued->plaintext.c_str());
    return 0;
  }
  std::printf(
      "Service key \"%s\" made (id %s, role: service).\n"
      "It is shown only this once, and only a hash of it is stored. It can read every\n"
      "organisation's events, so keep it secret:\n\n"
      "  %s\n\n"
      "Give it to the service that calls another, e.g. registration:\n"
      "  EVENTS_SERVICE_KEY=%s\n",
      o.name.c_str(), issued->record.key_id.c_str(), issued->plaintext.c_str(),
      issued->plaintext.c_str());
  return 0;
}

struct OrgKeyOptions {
  std::string org_id;
  std::vector<std::string> roles;
  std::string name;
  std::string redis_url;
  std::string key_prefix;
  std::string format = "text";
};

// A further key for an organisation, with the roles given: e.g. an organiser who must not
// read accessibility details, or a coordinator who only handles requests.
int OrgKey(const OrgKeyOptions& o) {
  std::vector<auth::Role> roles;
  for (const std::string& name : o.roles) {
    auto role = auth::ParseRole(name);
    // Viewer is a signed-in person's role (its scopes come with the session), not a key's.
    if (!role.ok() || *role == auth::Role::kService || *role == auth::Role::kViewer) {
      std::fprintf(stderr,
                   "eventctl: --role must be organiser, access_coordinator or integration, "
                   "not \"%s\" (service keys: eventctl admin service-key)\n",
                   name.c_str());
      return kExitUsage;
    }
    roles.push_back(*role);
  }
  auto access = OpenKeyStore(o.redis_url, o.key_prefix);
  if (access == nullptr) return kExitUsage;
  auto issued =
      auth::IssueKey(access->store(), access->ids(), access->clock(), o.org_id, roles, {}, o.name);
  if (!issued.ok()) {
    return AdminFail("make the key", issued.status(), o.redis_url);
  }
  if (o.format == "env") {
    std::printf("EVENTS_API_KEY=%s\n", issued->plaintext.c_str());
    return 0;
  }
  std::printf("Key \"%s\" made for organisation %s (id %s). It is shown only this once:\n\n  %s\n",
              o.name.c_str(), o.org_id.c_str(), issued->record.key_id.c_str(),
              issued->plaintext.c_str());
  return 0;
}

struct CheckKeyOptions {
  std::string role;
  std::string redis_url;
  std::string key_prefix;
};

// Reads a key from standard input (so that it never shows in a process list) and says
// whether it is known, not revoked and, with --role, has that role. 0: valid; 1: not.
int CheckKey(const CheckKeyOptions& o) {
  std::optional<auth::Role> role;
  if (!o.role.empty()) {
    auto parsed = auth::ParseRole(o.role);
    if (!parsed.ok()) {
      std::fprintf(stderr, "eventctl: --role: %s\n",
                   std::string(parsed.status().message()).c_str());
      return kExitUsage;
    }
    role = *parsed;
  }
  std::string key;
  std::getline(std::cin, key);
  key = std::string(absl::StripAsciiWhitespace(key));
  if (key.empty()) {
    std::fprintf(stderr, "eventctl: no key on standard input (e.g. printf '%%s' \"$KEY\" | ...)\n");
    return kExitUsage;
  }
  auto access = OpenKeyStore(o.redis_url, o.key_prefix);
  if (access == nullptr) return kExitUsage;
  auth::Authenticator authenticator(access->store());
  auto caller = authenticator.Authenticate("Bearer " + key);
  if (!caller.ok()) {
    if (caller.status().code() == absl::StatusCode::kUnavailable) {
      return AdminFail("check the key", caller.status(), o.redis_url);
    }
    std::fprintf(stderr, "eventctl: %s\n", std::string(caller.status().message()).c_str());
    return kExitFailed;
  }
  if (role.has_value() && !caller->HasRole(*role)) {
    std::fprintf(stderr, "eventctl: key %s does not have the %s role\n", caller->key_id.c_str(),
                 std::string(auth::RoleName(*role)).c_str());
    return kExitFailed;
  }
  std::printf("key %s is valid\n", caller->key_id.c_str());
  return 0;
}

// The first organiser as a person (organiser and access coordinator), invited through the
// people service's own store and rules, so the invitation e-mail goes out like any other
// (people.member_invited) and nobody needs the raw key to start. invited_by is "": nobody
// invited them but the installation.
absl::StatusOr<v1::Member> InviteFirstOrganiser(KeyStoreAccess& access, const auth::Bootstrap& boot,
                                                const BootstrapOptions& o) {
  people::RedisPeopleStore store(access.redis(), access.keys());
  // Inviting needs neither the link secret nor the encryption key (the service's own).
  people::People people(store, access.store(), access.clock(), access.ids(),
                        people::PeopleOptions{});
  auth::Caller installation;
  installation.org_id = boot.org.id;
  installation.key_id = boot.key.record.key_id;
  installation.roles = {auth::Role::kOrganiser};
  installation.actor_name = "eventctl admin bootstrap";
  v1::InviteMemberRequest request;
  request.set_name(o.person_name);
  request.set_email(o.person_email);
  request.add_roles(v1::MEMBER_ROLE_ORGANISER);
  request.add_roles(v1::MEMBER_ROLE_ACCESS_COORDINATOR);
  return people.InviteMember(installation, request);
}

int Bootstrap(const BootstrapOptions& o) {
  if (o.person_name.empty() != o.person_email.empty()) {
    std::fprintf(stderr,
                 "eventctl: give both --person-name and --person-email (the first organiser), "
                 "or neither\n");
    return kExitUsage;
  }
  if (!o.person_email.empty()) {
    // Checked before anything is made, so a typo does not leave an organisation behind.
    absl::Status name = people::CheckMemberName(o.person_name);
    absl::StatusOr<std::string> email = people::NormalisedEmail(o.person_email, "email");
    if (!name.ok() || !email.ok()) {
      std::fprintf(stderr, "eventctl: --person-%s\n",
                   std::string(!name.ok() ? name.message() : email.status().message()).c_str());
      return kExitUsage;
    }
  }
  auto access = OpenKeyStore(o.redis_url, o.key_prefix, o.partitions);
  if (access == nullptr) return kExitUsage;
  auto boot = auth::BootstrapOrganisation(
      access->store(), access->ids(), access->clock(), o.org_name,
      o.allow_same_name ? auth::SameName::kAllow : auth::SameName::kRefuse);
  if (!boot.ok()) {
    return AdminFail("create the organisation", boot.status(), o.redis_url);
  }
  std::optional<v1::Member> person;
  if (!o.person_email.empty()) {
    absl::StatusOr<v1::Member> invited = InviteFirstOrganiser(*access, *boot, o);
    if (!invited.ok()) {
      std::fprintf(stderr, "eventctl: organisation %s was created, with key %s\n",
                   boot->org.id.c_str(), boot->key.plaintext.c_str());
      return AdminFail("invite the first organiser", invited.status(), o.redis_url);
    }
    person = *invited;
  }
  if (o.format == "env") {
    std::printf("EVENTS_ORG_ID=%s\nEVENTS_API_KEY=%s\n", boot->org.id.c_str(),
                boot->key.plaintext.c_str());
    if (person) std::printf("EVENTS_MEMBER_ID=%s\n", person->member_id().c_str());
    return 0;
  }
  std::printf(
      "Organisation created: %s (%s)\n\n"
      "Its first API key (roles: organiser, access_coordinator). It is shown only this once,\n"
      "and only a hash of it is stored, so keep it somewhere safe:\n\n  %s\n\n"
      "Use it with eventctl:\n  export EVENTS_API_KEY=%s\n",
      boot->org.name.c_str(), boot->org.id.c_str(), boot->key.plaintext.c_str(),
      boot->key.plaintext.c_str());
  if (person) {
    std::printf(
        "\n%s <%s> is invited as organiser and access coordinator (member %s). The people\n"
        "and notifications services e-mail them; they sign in at /manage/sign-in with that\n"
        "address, no key needed.\n",
        person->name().c_str(), person->email().c_str(), person->member_id().c_str());
  }
  return 0;
}

}  // namespace

void AddAdminCommands(CLI::App& app, int& exit_code) {
  CLI::App* admin = app.add_subcommand("admin", "Installation tasks (talk to Redis directly)");
  admin->require_subcommand(1);
  auto o = std::make_shared<BootstrapOptions>();
  o->redis_url = EnvOr("EVENTS_REDIS_URL", kDefaultRedisUrl);
  o->key_prefix = EnvOr("EVENTS_REDIS_KEY_PREFIX", "");
  if (!absl::SimpleAtoi(EnvOr("EVENTS_PARTITIONS", "0"), &o->partitions)) o->partitions = 0;
  CLI::App* b =
      admin->add_subcommand("bootstrap", "Create an organisation and its first organiser API key");
  b->add_option("--org-name", o->org_name, "The organisation's name")->required();
  b->add_flag("--allow-same-name", o->allow_same_name,
              "Make it even if an organisation of this name exists (refused otherwise)");
  b->add_option("--person-name", o->person_name,
                "Also invite the first organiser by e-mail: their name (with --person-email)");
  b->add_option("--person-email", o->person_email,
                "The first organiser's e-mail address (with --person-name)");
  b->add_option("--redis-url", o->redis_url,
                "Redis (EVENTS_REDIS_URL; default: the Redis of ./scripts/run)")
      ->capture_default_str();
  b->add_option("--key-prefix", o->key_prefix, "Key prefix (default: EVENTS_REDIS_KEY_PREFIX)");
  b->add_option("--partitions", o->partitions,
                "The installation's EVENTS_PARTITIONS (default: EVENTS_PARTITIONS, else the "
                "count recorded in Redis, else the services' default): the invitation's stream")
      ->check(CLI::Range(1, 1024));
  b->add_option("--format", o->format, "text, or env for KEY=value lines")
      ->check(CLI::IsMember({"text", "env"}))
      ->capture_default_str();
  b->callback([o, &exit_code] { exit_code = Bootstrap(*o); });

  auto k = std::make_shared<ServiceKeyOptions>();
  k->redis_url = o->redis_url;
  k->key_prefix = o->key_prefix;
  CLI::App* s = admin->add_subcommand(
      "service-key", "Make an API key with the service role, for one service to call another");
  s->add_option("--name", k->name, "What the key is for, e.g. registration")->required();
  s->add_option("--redis-url", k->redis_url,
                "Redis (EVENTS_REDIS_URL; default: the Redis of ./scripts/run)")
      ->capture_default_str();
  s->add_option("--key-prefix", k->key_prefix, "Key prefix (default: EVENTS_REDIS_KEY_PREFIX)");
  s->add_option("--format", k->format, "text, or env for an EVENTS_SERVICE_KEY=... line")
      ->check(CLI::IsMember({"text", "env"}))
      ->capture_default_str();
  s->callback([k, &exit_code] { exit_code = ServiceKey(*k); });

  auto ok = std::make_shared<OrgKeyOptions>();
  ok->redis_url = o->redis_url;
  ok->key_prefix = o->key_prefix;
  CLI::App* g = admin->add_subcommand(
      "org-key", "Make a further API key for an organisation, with the roles given");
  g->add_option("--org-id", ok->org_id, "The organisation (EVENTS_ORG_ID)")->required();
  g->add_option("--role", ok->roles, "organiser, access_coordinator or integration (repeat)")
      ->required();
  g->add_option("--name", ok->name, "What or whom the key is for")->required();
  g->add_option("--redis-url", ok->redis_url,
                "Redis (EVENTS_REDIS_URL; default: the Redis of ./scripts/run)")
      ->capture_default_str();
  g->add_option("--key-prefix", ok->key_prefix, "Key prefix (default: EVENTS_REDIS_KEY_PREFIX)");
  g->add_option("--format", ok->format, "text, or env for an EVENTS_API_KEY=... line")
      ->check(CLI::IsMember({"text", "env"}))
      ->capture_default_str();
  g->callback([ok, &exit_code] { exit_code = OrgKey(*ok); });

  auto ck = std::make_shared<CheckKeyOptions>();
  ck->redis_url = o->redis_url;
  ck->key_prefix = o->key_prefix;
  CLI::App* c = admin->add_subcommand(
      "check-key", "Read an API key from standard input; exit 0 if it is valid (and has --role)");
  c->add_option("--role", ck->role, "organiser, access_coordinator, integration or service");
  c->add_option("--redis-url", ck->redis_url,
                "Redis (EVENTS_REDIS_URL; default: the Redis of ./scripts/run)")
      ->capture_default_str();
  c->add_option("--key-prefix", ck->key_prefix, "Key prefix (default: EVENTS_REDIS_KEY_PREFIX)");
  c->callback([ck, &exit_code] { exit_code = CheckKey(*ck); });
}

}  // namespace events::eventctl
