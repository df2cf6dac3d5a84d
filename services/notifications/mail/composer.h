#pragma once

#include <map>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "events/v1/notifications.pb.h"
#include "events/v1/people.pb.h"
#include "events/v1/registration.pb.h"
#include "events/v1/scheduling.pb.h"
#include "services/web/view/catalogue.h"

namespace events::notifications {

// Everything one e-mail may say.
struct MailContext {
  std::string template_name;
  events::v1::Event event;
  // The registrant's own view (mail to a registrant), with join_link when confirmed.
  std::optional<events::v1::Registration> registration;
  std::string manage_url;  // the personal manage page
  std::string survey_url;  // the personal survey page
  events::v1::SenderSettings sender;
  // From the domain event: a reason, minutes before the start, a status (see plan.h).
  std::string arg;
  // Mail to a member of the organisation (people): who they are (name, roles), the
  // organisation's name, who invited them ("" when nobody is named), the sign-in page or
  // one-time sign-in link, and how many minutes that link still works.
  std::optional<events::v1::Member> member;
  std::string org_name;
  std::string inviter;
  std::string sign_in_url;
  int link_minutes = 0;
};

struct ComposedMail {
  std::string subject;
  std::string text;
  std::string html;
};

// Writes e-mail from templates/<name>.mustache (built into the binary): the first line is
// "Subject: ...", then a line "---", then the body as a small HTML fragment (h1, h2, p, ul,
// li, a, strong). The HTML part is the body in templates/layout.mustache; the text part is
// the same body as plain text (HtmlToText), so the two never say different things. Values
// are escaped for HTML in the body; the subject is plain text. Dates and times come in the
// event's zone, with the zone named, in the web pages' words (their message catalogue).
// Immutable after Create; thread-safe.
class Composer {
 public:
  // FAILED_PRECONDITION naming the template when one is missing or does not parse.
  static absl::StatusOr<Composer> Create();

  // INVALID_ARGUMENT for an unknown template.
  absl::StatusOr<ComposedMail> Compose(const MailContext& context) const;

 private:
  Composer(events::web::Catalogue words, std::map<std::string, std::string> templates)
      : words_(std::move(words)), templates_(std::move(templates)) {}

  events::web::Catalogue words_;
  std::map<std::string, std::string> templates_;  // name -> file text
};

// A member's roles in words, with the article: "an organiser", "an organiser and access
// coordinator", "a viewer".
std::string RolesText(const google::protobuf::RepeatedField<int>& roles);

// Our own HTML fragment as plain text: headings and paragraphs as lines with a blank line
// between, list items as "- ", links as "text: url" (just "url" when the link's words are its
// address), entities decoded. Only for the small,
// well-formed HTML of the templates (values inside are escaped, so they add no tags).
std::string HtmlToText(const std::string& html);

}  // namespace events::notifications
