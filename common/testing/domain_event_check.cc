#include "common/testing/domain_event_check.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <google/protobuf/unknown_field_set.h>
#include <gtest/gtest.h>

#include <memory>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/bus/event_bus.h"
#include "common/log/trace_context.h"
#include "common/testing/redis_for_test.h"
#include "events/v1/domain_events.pb.h"

namespace events::testing {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// Unknown fields and unlisted enum values anywhere in `m`, each as "path: what".
void FindStrangeFields(const Message& m, const std::string& path, std::vector<std::string>& out) {
  const Reflection* r = m.GetReflection();
  const google::protobuf::UnknownFieldSet& unknown = r->GetUnknownFields(m);
  for (int i = 0; i < unknown.field_count(); ++i) {
    out.push_back(absl::StrCat(path, ": field number ", unknown.field(i).number(), " is not in ",
                               m.GetDescriptor()->full_name(), " (or has the wrong wire type)"));
  }
  std::vector<const FieldDescriptor*> fields;
  r->ListFields(m, &fields);
  for (const FieldDescriptor* f : fields) {
    const std::string here = absl::StrCat(path, ".", f->name());
    if (f->type() == FieldDescriptor::TYPE_ENUM && !f->is_repeated()) {
      const int value = r->GetEnumValue(m, f);
      if (f->enum_type()->FindValueByNumber(value) == nullptr) {
        out.push_back(
            absl::StrCat(here, ": ", value, " is not a value of ", f->enum_type()->full_name()));
      }
    } else if (f->type() == FieldDescriptor::TYPE_MESSAGE) {
      if (f->is_repeated()) {
        for (int i = 0; i < r->FieldSize(m, f); ++i) {
          FindStrangeFields(r->GetRepeatedMessage(m, f, i), absl::StrCat(here, "[", i, "]"), out);
        }
      } else {
        FindStrangeFields(r->GetMessage(m, f), here, out);
      }
    }
  }
}

// The payload's string fields named *_id (org_id aside), set or not.
std::vector<std::string> IdFields(const Message& m) {
  std::vector<std::string> ids;
  const Descriptor* d = m.GetDescriptor();
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    if (f->type() == FieldDescriptor::TYPE_STRING && !f->is_repeated() &&
        absl::EndsWith(f->name(), "_id") && f->name() != "org_id") {
      ids.push_back(m.GetReflection()->GetString(m, f));
    }
  }
  return ids;
}

void CheckOne(const std::string& stream, const redisReply& entry, const std::string& source,
              DomainEventCheck& check) {
  const std::string id = redis::AsString(redis::ArrayAt(entry, 0));
  const redisReply& flat = redis::ArrayAt(entry, 1);
  std::vector<std::pair<std::string, std::string>> fields;
  for (size_t i = 0; i + 1 < redis::ArraySize(flat); i += 2) {
    fields.emplace_back(redis::AsString(redis::ArrayAt(flat, i)),
                        redis::AsString(redis::ArrayAt(flat, i + 1)));
  }
  const std::string where = absl::StrCat(stream, " ", id);
  auto event = bus::FromStreamFields(fields);
  if (!event.ok()) {
    ++check.events;
    check.problems.push_back(
        absl::StrCat(where, ": the envelope does not read back: ", event.status().message()));
    return;
  }
  if (!source.empty() && event->source() != source) return;
  ++check.events;
  // Every writer writes the trace field, empty or a valid traceparent (common/bus/README.md).
  bool traced = false;
  for (const auto& [name, value] : fields) traced = traced || name == "traceparent";
  if (!traced) {
    check.problems.push_back(absl::StrCat(where, " (", event->type(), "): no traceparent field"));
  } else if (!event->traceparent().empty() &&
             !logging::ParseTraceParent(event->traceparent()).has_value()) {
    check.problems.push_back(absl::StrCat(where, " (", event->type(), "): traceparent \"",
                                          event->traceparent(), "\" is not a valid one"));
  }
  const std::string& type = event->data_type();
  const Descriptor* d =
      google::protobuf::DescriptorPool::generated_pool()->FindMessageTypeByName(type);
  if (d == nullptr) {
    check.problems.push_back(
        absl::StrCat(where, " (", event->type(), "): no generated class is called \"", type, "\""));
    return;
  }
  check.data_types.insert(type);
  std::unique_ptr<Message> data(
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(d)->New());
  if (!data->ParseFromString(event->data())) {
    check.problems.push_back(
        absl::StrCat(where, " (", event->type(), "): the data is not a ", type));
    return;
  }
  std::vector<std::string> strange;
  FindStrangeFields(*data, type, strange);
  for (const std::string& s : strange) {
    check.problems.push_back(absl::StrCat(where, " (", event->type(), "): ", s));
  }
  const FieldDescriptor* org = d->FindFieldByName("org_id");
  if (org != nullptr && data->GetReflection()->GetString(*data, org) != event->org_id()) {
    check.problems.push_back(absl::StrCat(
        where, " (", event->type(), "): org_id \"", data->GetReflection()->GetString(*data, org),
        "\" in the data, \"", event->org_id(), "\" in the envelope"));
  }
  const std::vector<std::string> ids = IdFields(*data);
  bool subject_found = ids.empty();
  for (const std::string& value : ids) subject_found = subject_found || value == event->subject();
  if (!subject_found) {
    check.problems.push_back(absl::StrCat(where, " (", event->type(), "): the subject \"",
                                          event->subject(), "\" is none of the data's ids"));
  }
}

}  // namespace

DomainEventCheck CheckDomainEvents(redis::RedisClient& redis,
                                   const std::vector<std::string>& streams,
                                   const std::string& source) {
  // Linked for its descriptors: every domain event's class is in domain_events.proto.
  (void)events::v1::DomainEvent::descriptor();
  DomainEventCheck check;
  for (const std::string& stream : streams) {
    auto reply = redis.Command({"XRANGE", stream, "-", "+"});
    if (!reply.ok()) {
      check.problems.push_back(absl::StrCat(stream, ": XRANGE failed: ", reply.status().message()));
      continue;
    }
    for (size_t i = 0; i < redis::ArraySize(**reply); ++i) {
      CheckOne(stream, redis::ArrayAt(**reply, i), source, check);
    }
  }
  return check;
}

DomainEventCheck CheckAllDomainEvents(redis::RedisClient& redis, const std::string& prefix,
                                      const std::string& source) {
  return CheckDomainEvents(redis, KeysMatching(redis, prefix + "*:events"), source);
}

void ExpectSoundDomainEvents(redis::RedisClient& redis, const bus::Keyspace& keys,
                             const std::string& source) {
  std::vector<std::string> streams;
  streams.reserve(static_cast<size_t>(keys.partitions()));
  for (int p = 0; p < keys.partitions(); ++p) streams.push_back(keys.Stream(p));
  const DomainEventCheck check = CheckDomainEvents(redis, streams, source);
  for (const std::string& problem : check.problems) ADD_FAILURE() << problem;
}

}  // namespace events::testing
