#pragma once

#include <map>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "services/web/view/catalogue.h"
#include "services/web/view/mustache.h"

// Pages from templates: templates/<page>.mustache rendered with the page's data, inside
// templates/layout.mustache. Mustache is logic-less and escapes every {{value}} for HTML;
// only the layout's {{{content}}} (a page already rendered) is written as it is.
namespace events::web {

struct PageMeta {
  // What the page is, for its <title>: "Register for Living well with diabetes".
  std::string title;
  // The page shows an error summary: the title starts "Error: " (GOV.UK pattern), so a
  // screen reader user hears it first.
  bool has_error = false;
  // The page's frame: "layout" (the attendees' pages) or "console_layout" (the organiser
  // console: who is signed in, the console's navigation, sign out).
  std::string layout = "layout";
  // What the frame shows besides the title and the page (the console's navigation).
  Data frame = Data(Data::type::object);
};

class Renderer {
 public:
  // Uses the embedded templates and the catalogue. Check() before serving.
  explicit Renderer(Catalogue messages);

  // OK when every embedded template parses, every {{t.key}} it uses is in the catalogue,
  // and no value or section hides a partial (HiddenPartial); otherwise FAILED_PRECONDITION
  // naming the template and the problem.
  absl::Status Check() const;

  // Templates by name ("register", "partials/csrf_field"): FAILED_PRECONDITION when one uses a
  // value or section named like a partial. The engine looks partials up among the page's
  // values first, so {{#roles_field}}{{> roles_field}}{{/roles_field}} renders nothing.
  static absl::Status HiddenPartial(
      const std::map<std::string, std::string, std::less<>>& templates);

  // The whole HTML page. In `data` the template sees its own values; every template also
  // sees t.<key> (the catalogue) and the partials (templates/partials/*.mustache).
  std::string Page(absl::string_view page, const Data& data, const PageMeta& meta) const;

  const Catalogue& messages() const { return messages_; }

 private:
  std::string Render(absl::string_view name, const Data& data) const;

  Catalogue messages_;
  Data globals_;
  std::map<std::string, std::string, std::less<>> templates_;
};

}  // namespace events::web
