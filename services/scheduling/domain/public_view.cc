#include "services/scheduling/domain/public_view.h"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/util/redact.h"
#include "google/protobuf/descriptor.h"

namespace events::scheduling {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

constexpr std::string_view kJoinLinkField = "join_link";

// The parts of a link that identify the room, lower-cased: "meet.example.org" and "/room/7f"
// for "https://Meet.Example.org:443/room/7f/?pwd=x#top".
struct LinkKey {
  std::string host;
  std::string path;
};

// ASCII only, so byte positions in the result are those of the input.
std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = absl::ascii_tolower(static_cast<unsigned char>(c));
  return out;
}

LinkKey KeyOf(std::string_view link) {
  std::string s = Lower(link);
  if (size_t scheme_end = s.find("://"); scheme_end != std::string::npos) {
    s.erase(0, scheme_end + 3);
  }
  size_t authority_end = s.find_first_of("/?#");
  std::string authority = s.substr(0, authority_end);
  if (size_t at = authority.rfind('@'); at != std::string::npos) authority.erase(0, at + 1);
  if (authority.size() > 4 && authority.compare(authority.size() - 4, 4, ":443") == 0) {
    authority.resize(authority.size() - 4);
  }
  std::string rest = authority_end == std::string::npos ? "" : s.substr(authority_end);
  std::string path = rest.substr(0, rest.find_first_of("?#"));
  while (!path.empty() && path.back() == '/') path.pop_back();
  return LinkKey{std::move(authority), std::move(path)};
}

bool IsHostChar(char c) { return absl::ascii_isalnum(c) || c == '-' || c == '.' || c == '_'; }
bool IsSchemeChar(char c) { return absl::ascii_isalnum(c) || c == '+' || c == '-' || c == '.'; }
bool IsTrailingPunctuation(char c) {
  return std::string_view(".,;:!?").find(c) != std::string_view::npos;
}

// Characters that cannot be part of a URL written in running text.
bool EndsUrl(char c) {
  unsigned char u = static_cast<unsigned char>(c);
  return u <= 0x20 || u == 0x7F ||
         std::string_view("<>\"'`{}|\\^[]()").find(c) != std::string_view::npos;
}

// True when a URL ending at `pos` is complete: end of text, a character that ends URLs, or
// sentence punctuation followed by one ("...room/7f." ends at the '.').
bool UrlEndsAt(std::string_view text, size_t pos) {
  while (pos < text.size() && IsTrailingPunctuation(text[pos])) ++pos;
  return pos >= text.size() || EndsUrl(text[pos]);
}

// The span [first, second) of a copy of the link whose host starts at `host_at` in `lower`
// (the lower-cased text), or nullopt when the URL there is another one.
std::optional<std::pair<size_t, size_t>> MatchAt(std::string_view lower, size_t host_at,
                                                 const LinkKey& key) {
  if (host_at > 0 && IsHostChar(lower[host_at - 1])) return std::nullopt;  // a longer host
  size_t start = host_at;
  bool has_scheme = false;
  if (host_at >= 3 && lower.substr(host_at - 3, 3) == "://") {
    size_t s = host_at - 3;
    while (s > 0 && IsSchemeChar(lower[s - 1])) --s;
    has_scheme = s < host_at - 3;
    if (has_scheme) start = s;
  }
  if (key.path.empty() && !has_scheme) return std::nullopt;
  size_t pos = host_at + key.host.size();
  if (lower.substr(pos, 4) == ":443") pos += 4;
  if (lower.substr(pos, key.path.size()) != key.path) return std::nullopt;
  pos += key.path.size();
  while (pos < lower.size() && lower[pos] == '/') ++pos;
  if (pos < lower.size() && (lower[pos] == '?' || lower[pos] == '#')) {
    while (pos < lower.size() && !EndsUrl(lower[pos])) ++pos;
    while (pos > host_at && IsTrailingPunctuation(lower[pos - 1])) --pos;
    return std::make_pair(start, pos);
  }
  if (!UrlEndsAt(lower, pos)) return std::nullopt;  // a longer path, a port, another host
  return std::make_pair(start, pos);
}

// Calls `on_copy(first, last)` for each copy of the link in `text`, left to right.
void ForEachCopy(std::string_view text, std::string_view link,
                 const std::function<void(size_t, size_t)>& on_copy) {
  if (link.empty()) return;
  LinkKey key = KeyOf(link);
  if (key.host.empty()) return;
  std::string lower = Lower(text);
  size_t from = 0;
  while (from < lower.size()) {
    size_t at = lower.find(key.host, from);
    if (at == std::string::npos) return;
    std::optional<std::pair<size_t, size_t>> span = MatchAt(lower, at, key);
    if (span.has_value()) {
      on_copy(span->first, span->second);
      from = span->second;
    } else {
      from = at + 1;
    }
  }
}

std::string ScrubOne(std::string_view text, std::string_view link) {
  std::string out;
  size_t copied = 0;
  ForEachCopy(text, link, [&](size_t first, size_t last) {
    out.append(text.substr(copied, first - copied));
    out.append(kJoinLinkPlaceholder);
    copied = last;
  });
  if (copied == 0 && out.empty()) return std::string(text);
  out.append(text.substr(copied));
  return out;
}

// Visits every string field of `message` and its sub-messages (set ones only, so no empty
// sub-message appears), except join_link fields. `path` names the field for errors.
void VisitStrings(Message& message, const std::string& prefix,
                  const std::function<void(std::string&, const std::string&)>& visit) {
  const Reflection* r = message.GetReflection();
  const google::protobuf::Descriptor* d = message.GetDescriptor();
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    if (f->name() == kJoinLinkField) continue;
    std::string path =
        prefix.empty() ? std::string(f->name()) : absl::StrCat(prefix, ".", f->name());
    if (f->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
      if (f->is_repeated()) {
        for (int k = 0; k < r->FieldSize(message, f); ++k) {
          std::string value = r->GetRepeatedString(message, f, k);
          std::string before = value;
          visit(value, absl::StrCat(path, "[", k, "]"));
          if (value != before) r->SetRepeatedString(&message, f, k, std::move(value));
        }
      } else {
        std::string value = r->GetString(message, f);
        std::string before = value;
        visit(value, path);
        if (value != before) r->SetString(&message, f, std::move(value));
      }
    } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      if (f->is_repeated()) {
        for (int k = 0; k < r->FieldSize(message, f); ++k) {
          VisitStrings(*r->MutableRepeatedMessage(&message, f, k), absl::StrCat(path, "[", k, "]"),
                       visit);
        }
      } else if (r->HasField(message, f)) {
        VisitStrings(*r->MutableMessage(&message, f), path, visit);
      }
    }
  }
}

void ScrubAll(Message& message, const std::vector<std::string>& links) {
  VisitStrings(message, "", [&](std::string& value, const std::string&) {
    value = ScrubJoinLinks(value, links);
  });
}

// Speakers, lived-experience co-facilitators among them, are people the organiser writes
// about, not the organiser's own contact: an address or number typed into a bio is not
// theirs to publish. The organiser's own view keeps the bio as written.
void RedactSpeakerBios(events::v1::Event& event) {
  for (events::v1::AgendaSession& session : *event.mutable_agenda()) {
    for (events::v1::Speaker& speaker : *session.mutable_speakers()) {
      if (!speaker.bio().empty()) speaker.set_bio(RedactContacts(speaker.bio()));
    }
  }
}

}  // namespace

std::string ScrubJoinLinks(std::string_view text, const std::vector<std::string>& links) {
  std::string out(text);
  for (const std::string& link : links) out = ScrubOne(out, link);
  return out;
}

bool ContainsJoinLink(std::string_view text, std::string_view link) {
  bool found = false;
  ForEachCopy(text, link, [&](size_t, size_t) { found = true; });
  return found;
}

std::optional<std::string> FindJoinLinkCopy(const Message& message, std::string_view link) {
  if (link.empty()) return std::nullopt;
  // VisitStrings walks a mutable message; a copy keeps the caller's untouched.
  std::unique_ptr<Message> copy(message.New());
  copy->CopyFrom(message);
  std::optional<std::string> found;
  VisitStrings(*copy, "", [&](std::string& value, const std::string& path) {
    if (!found.has_value() && ContainsJoinLink(value, link)) found = path;
  });
  return found;
}

events::v1::Event PublicEventView(events::v1::Event event) {
  const std::vector<std::string> links = {event.details().join_link()};
  event.mutable_details()->clear_join_link();
  event.mutable_details()->clear_reminders();
  ScrubAll(event, links);
  RedactSpeakerBios(event);
  return event;
}

events::v1::Series PublicSeriesView(events::v1::Series series) {
  const std::vector<std::string> links = {series.template_().join_link()};
  series.mutable_template_()->clear_join_link();
  series.mutable_template_()->clear_reminders();
  ScrubAll(series, links);
  return series;
}

}  // namespace events::scheduling
