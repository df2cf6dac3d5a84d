#include "services/notifications/mail/composer.h"

#include <algorithm>
#include <kainjow/mustache.hpp>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "services/notifications/domain/plan.h"
#include "services/notifications/mail/embedded.h"
#include "services/web/pages/format.h"
#include "services/web/view/embedded.h"

namespace events::notifications {
namespace {

using kainjow::mustache::data;
using kainjow::mustache::mustache;

std::optional<std::string> Embedded(absl::string_view name) {
  for (size_t i = 0; i < kEmbeddedFileCount; ++i) {
    if (name == kEmbeddedFiles[i].name) {
      return std::string(kEmbeddedFiles[i].text, kEmbeddedFiles[i].size);
    }
  }
  return std::nullopt;
}

std::string Render(const std::string& text, const data& values, bool html) {
  mustache m(text);
  if (!html) m.set_custom_escape([](const std::string& s) { return s; });
  return m.render(values);
}

std::string DecodeEntities(absl::string_view s) {
  return absl::StrReplaceAll(s, {{"&lt;", "<"},
                                 {"&gt;", ">"},
                                 {"&quot;", "\""},
                                 {"&#39;", "'"},
                                 {"&#x27;", "'"},
                                 {"&#x2F;", "/"},
                                 {"&#x60;", "`"},
                                 {"&#x3D;", "="},
                                 {"&amp;", "&"}});
}

// "in 1 day", "in 7 days", "in 1 hour", "in 30 minutes".
std::string LeadText(const std::string& minutes_text) {
  int minutes = 0;
  if (!absl::SimpleAtoi(minutes_text, &minutes) || minutes <= 0) return "soon";
  auto plural = [](int n, absl::string_view one) {
    return absl::StrCat("in ", n, " ", one, n == 1 ? "" : "s");
  };
  if (minutes % 1440 == 0) return plural(minutes / 1440, "day");
  if (minutes % 60 == 0) return plural(minutes / 60, "hour");
  return plural(minutes, "minute");
}

std::string AccessStatusText(absl::string_view status) {
  if (status == "REQUEST_STATUS_ACKNOWLEDGED")
    return "we have seen your request and are working on it";
  if (status == "REQUEST_STATUS_FULFILLED") return "what you asked for is arranged";
  if (status == "REQUEST_STATUS_UNFULFILLABLE") return "we could not arrange what you asked for";
  return "your request has changed";
}

// "15 minutes", "1 minute".
std::string MinutesText(int minutes) {
  return absl::StrCat(minutes, minutes == 1 ? " minute" : " minutes");
}

}  // namespace

std::string RolesText(const google::protobuf::RepeatedField<int>& roles) {
  // In the console's order, each once.
  std::vector<std::string> words;
  for (const auto& [role, word] :
       {std::pair{events::v1::MEMBER_ROLE_ORGANISER, "organiser"},
        {events::v1::MEMBER_ROLE_ACCESS_COORDINATOR, "access coordinator"},
        {events::v1::MEMBER_ROLE_VIEWER, "viewer"}}) {
    if (std::find(roles.begin(), roles.end(), role) != roles.end()) words.emplace_back(word);
  }
  if (words.empty()) return "a member";
  std::string list = words.back();
  if (words.size() > 1) {
    words.pop_back();
    list = absl::StrCat(absl::StrJoin(words, ", "), " and ", list);
  }
  // Every role word starts with a consonant sound except "organiser" and "access".
  const bool vowel = absl::StartsWith(list, "organiser") || absl::StartsWith(list, "access");
  return absl::StrCat(vowel ? "an " : "a ", list);
}

absl::StatusOr<Composer> Composer::Create() {
  std::optional<absl::string_view> words = events::web::EmbeddedText("messages/en-GB.txt");
  if (!words) return absl::FailedPreconditionError("the web pages' message catalogue is missing");
  absl::StatusOr<events::web::Catalogue> catalogue =
      events::web::Catalogue::Parse(*words, "messages/en-GB.txt");
  if (!catalogue.ok()) return catalogue.status();
  std::map<std::string, std::string> templates;
  std::vector<std::string> names = AllTemplates();
  names.insert(names.end(), {"layout", "partials/event_facts", "partials/manage_link"});
  for (const std::string& name : names) {
    const std::string file = absl::StrCat("templates/", name, ".mustache");
    std::optional<std::string> text = Embedded(file);
    if (!text) return absl::FailedPreconditionError(absl::StrCat(file, " is missing"));
    mustache parsed(*text);
    if (!parsed.is_valid()) {
      return absl::FailedPreconditionError(absl::StrCat(file, ": ", parsed.error_message()));
    }
    const bool whole = name != "layout" && !absl::StartsWith(name, "partials/");
    if (whole && !absl::StartsWith(*text, "Subject: ")) {
      return absl::FailedPreconditionError(absl::StrCat(file, " must start with \"Subject: \""));
    }
    if (whole && text->find("\n---\n") == std::string::npos) {
      return absl::FailedPreconditionError(
          absl::StrCat(file, " must have a line \"---\" between the subject and the body"));
    }
    templates.emplace(name, *std::move(text));
  }
  return Composer(*std::move(catalogue), std::move(templates));
}

absl::StatusOr<ComposedMail> Composer::Compose(const MailContext& c) const {
  auto found = templates_.find(c.template_name);
  if (found == templates_.end() || c.template_name == "layout" ||
      absl::StartsWith(c.template_name, "partials/")) {
    return absl::InvalidArgumentError(absl::StrCat("no e-mail template ", c.template_name));
  }
  const events::v1::Event& e = c.event;
  const events::v1::EventDetails& d = e.details();
  data v;
  v.set("event_title", d.title());
  v.set("when", events::web::WhenText(words_, e.start_rfc3339(), e.end_rfc3339()));
  v.set("zone", events::web::ZoneText(words_, d.time_zone()));
  const bool online = d.format() != events::v1::EVENT_FORMAT_IN_PERSON;
  const bool in_person = d.format() == events::v1::EVENT_FORMAT_IN_PERSON ||
                         d.format() == events::v1::EVENT_FORMAT_HYBRID;
  v.set("online", online ? data::type::bool_true : data::type::bool_false);
  if (in_person) {
    std::vector<std::string> parts;
    for (const std::string* p : {&d.venue().name(), &d.venue().address(), &d.venue().postcode()}) {
      if (!p->empty()) parts.push_back(*p);
    }
    v.set("venue", absl::StrJoin(parts, ", "));
  }
  if (c.registration) {
    const events::v1::Registration& r = *c.registration;
    v.set("name", r.name());
    if (!r.join_link().empty()) v.set("join_link", r.join_link());
    if (r.waitlist_position() > 0) v.set("waitlist_position", absl::StrCat(r.waitlist_position()));
    v.set("confirmed", r.status() == events::v1::REGISTRATION_STATUS_CONFIRMED
                           ? data::type::bool_true
                           : data::type::bool_false);
  }
  if (!c.manage_url.empty()) v.set("manage_url", c.manage_url);
  if (!c.survey_url.empty()) v.set("survey_url", c.survey_url);
  if (!c.arg.empty()) v.set("reason", c.arg);
  v.set("lead", LeadText(c.arg));
  v.set("access_status", AccessStatusText(c.arg));
  int64_t closes_ms = 0;
  if (absl::SimpleAtoi(c.arg, &closes_ms) && closes_ms > 0) {
    const std::string closes = absl::FormatTime(
        "%Y-%m-%dT%H:%M:%S+00:00", absl::FromUnixMillis(closes_ms), absl::UTCTimeZone());
    v.set("closes", events::web::DateText(words_, closes));
  }
  if (c.member) {
    v.set("name", c.member->name());
    v.set("roles", RolesText(c.member->roles()));
  }
  if (!c.org_name.empty()) v.set("org_name", c.org_name);
  if (!c.inviter.empty()) v.set("inviter", c.inviter);
  if (!c.sign_in_url.empty()) v.set("sign_in_url", c.sign_in_url);
  v.set("link_lifetime", MinutesText(std::max(c.link_minutes, 1)));
  v.set("from_name", c.sender.from_name());
  // The footer's lines, for both parts.
  data footer{data::type::list};
  std::string footer_text;
  for (absl::string_view line : absl::StrSplit(c.sender.footer(), '\n', absl::SkipWhitespace())) {
    footer.push_back(data(std::string(line)));
    absl::StrAppend(&footer_text, absl::StripAsciiWhitespace(line), "\n");
  }
  v.set("footer", footer);

  // Partials by their file names; no value has these names.
  for (const char* partial : {"event_facts", "manage_link"}) {
    const std::string& text = templates_.at(absl::StrCat("partials/", partial));
    v.set(partial, kainjow::mustache::partial([&text] { return text; }));
  }
  const std::string& text = found->second;
  const size_t split = text.find("\n---\n");
  std::string subject = Render(text.substr(9, split - 9), v, false);
  const std::string body = Render(text.substr(split + 5), v, true);
  data page;
  page.set("subject", subject);
  page.set("body", body);
  page.set("footer", footer);
  page.set("from_name", c.sender.from_name());
  ComposedMail out;
  out.subject = std::string(absl::StripAsciiWhitespace(subject));
  out.html = Render(templates_.at("layout"), page, true);
  out.text = HtmlToText(body);
  if (!footer_text.empty()) absl::StrAppend(&out.text, "\n--\n", footer_text);
  return out;
}

std::string HtmlToText(const std::string& html) {
  std::string out;
  std::string href;
  size_t link_start = 0;  // where the words of the link being read start in `out`
  size_t i = 0;
  auto newline_block = [&out] {
    while (!out.empty() && (out.back() == ' ' || out.back() == '\n')) out.pop_back();
    if (!out.empty()) out += "\n\n";
  };
  while (i < html.size()) {
    if (html[i] != '<') {
      const size_t next = html.find('<', i);
      const std::string raw =
          html.substr(i, next == std::string::npos ? std::string::npos : next - i);
      // Whitespace in HTML is one space.
      std::string collapsed;
      for (char ch : raw) {
        const bool space = absl::ascii_isspace(static_cast<unsigned char>(ch));
        if (space && (collapsed.empty() ? (out.empty() || out.back() == '\n' || out.back() == ' ')
                                        : collapsed.back() == ' ')) {
          continue;
        }
        collapsed.push_back(space ? ' ' : ch);
      }
      out += DecodeEntities(collapsed);
      i = next == std::string::npos ? html.size() : next;
      continue;
    }
    const size_t close = html.find('>', i);
    if (close == std::string::npos) break;
    const std::string original = html.substr(i + 1, close - i - 1);
    const std::string tag = absl::AsciiStrToLower(original);
    i = close + 1;
    if (tag == "h1" || tag == "h2" || tag == "p" || tag == "ul" || tag == "/ul" || tag == "/h1" ||
        tag == "/h2" || tag == "/p") {
      newline_block();
    } else if (tag == "li") {
      while (!out.empty() && out.back() == ' ') out.pop_back();
      if (!out.empty() && out.back() != '\n') out += "\n";
      out += "- ";
    } else if (tag == "br" || tag == "br/" || tag == "br /") {
      out += "\n";
    } else if (absl::StartsWith(tag, "a ")) {
      const size_t start = tag.find("href=\"");
      if (start != std::string::npos) {
        const size_t end = tag.find('"', start + 6);
        // The tag was lowered for matching; the address keeps its case.
        href = DecodeEntities(original.substr(start + 6, end - start - 6));
      }
      link_start = out.size();
    } else if (tag == "/a") {
      // A link whose words are its address is written once.
      // (Markup inside the link may have trimmed `out` below where the link started.)
      const bool words_are_href =
          link_start <= out.size() && absl::string_view(out).substr(link_start) == href;
      if (!href.empty() && !words_are_href) {
        absl::StrAppend(&out, ": ", href);
      }
      href.clear();
    }
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out + "\n";
}

}  // namespace events::notifications
