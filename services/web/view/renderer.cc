#include "services/web/view/renderer.h"

#include <functional>
#include <memory>
#include <set>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "services/web/view/embedded.h"

namespace events::web {
namespace {

constexpr absl::string_view kTemplateDir = "templates/";
constexpr absl::string_view kPartialDir = "templates/partials/";
constexpr absl::string_view kSuffix = ".mustache";

// The name of every value and section tag ({{name}}, {{{name}}}, {{&name}}, {{#name}},
// {{^name}}; dotted names whole, "t.key"), leaving out partials, comments and closing tags.
// Written out rather than with std::regex, whose libstdc++ code g++ 12 warns about under
// ASan (-Wmaybe-uninitialized, a false positive that -Werror makes fatal).
std::vector<std::string> TagNames(absl::string_view text) {
  std::vector<std::string> names;
  for (size_t at = text.find("{{"); at != absl::string_view::npos; at = text.find("{{", at)) {
    size_t k = at + 2;
    if (k < text.size() && (text[k] == '{' || text[k] == '&' || text[k] == '#' || text[k] == '^')) {
      ++k;
    }
    while (k < text.size() && text[k] == ' ') ++k;
    at = k;
    const size_t start = k;
    while (k < text.size() && (absl::ascii_isalnum(static_cast<unsigned char>(text[k])) ||
                               text[k] == '_' || text[k] == '.')) {
      ++k;
    }
    if (k > start) names.emplace_back(text.substr(start, k - start));
  }
  return names;
}

}  // namespace

Renderer::Renderer(Catalogue messages)
    : messages_(std::move(messages)), globals_(Data::type::object) {
  Data t(Data::type::object);
  for (const auto& [key, text] : messages_.entries()) t.set(key, text);
  globals_.set("t", t);
  for (size_t i = 0; i < kEmbeddedFileCount; ++i) {
    absl::string_view name = kEmbeddedFiles[i].name;
    if (!absl::StartsWith(name, kTemplateDir) || !absl::EndsWith(name, kSuffix)) continue;
    std::string text(kEmbeddedFiles[i].text, kEmbeddedFiles[i].size);
    if (absl::StartsWith(name, kPartialDir)) {
      absl::string_view partial = name.substr(kPartialDir.size());
      partial.remove_suffix(kSuffix.size());
      globals_.set(std::string(partial), kainjow::mustache::partial([text] { return text; }));
    }
    name.remove_prefix(kTemplateDir.size());
    name.remove_suffix(kSuffix.size());
    templates_.emplace(std::string(name), std::move(text));
  }
}

absl::Status Renderer::HiddenPartial(
    const std::map<std::string, std::string, std::less<>>& templates) {
  std::set<std::string, std::less<>> partials;
  for (const auto& entry : templates) {
    absl::string_view name = entry.first;
    if (absl::ConsumePrefix(&name, "partials/")) partials.emplace(name);
  }
  for (const auto& [name, text] : templates) {
    // The engine looks a partial up among the page's values first: a value or section of the
    // same name hides it, and {{> name}} then renders nothing (a form lost its fields so).
    for (const std::string& tag : TagNames(text)) {
      const std::string value = tag.substr(0, tag.find('.'));
      if (partials.count(value) != 0) {
        return absl::FailedPreconditionError(absl::StrCat(
            "templates/", name, ".mustache uses a value named ", value,
            ", like the partial partials/", value,
            ".mustache, which it would hide (the partial would render nothing): rename the value"));
      }
    }
  }
  return absl::OkStatus();
}

absl::Status Renderer::Check() const {
  if (templates_.find("layout") == templates_.end()) {
    return absl::FailedPreconditionError("templates/layout.mustache is missing");
  }
  if (absl::Status hidden = HiddenPartial(templates_); !hidden.ok()) return hidden;
  for (const auto& [name, text] : templates_) {
    kainjow::mustache::mustache parsed(text);
    if (!parsed.is_valid()) {
      return absl::FailedPreconditionError(
          absl::StrCat("templates/", name, ".mustache: ", parsed.error_message()));
    }
    for (const std::string& tag : TagNames(text)) {
      absl::string_view key = tag;
      if (!absl::ConsumePrefix(&key, "t.")) continue;
      if (!messages_.Has(key)) {
        return absl::FailedPreconditionError(absl::StrCat("templates/", name, ".mustache uses t.",
                                                          key, ", which messages/en-GB.txt lacks"));
      }
    }
  }
  return absl::OkStatus();
}

std::string Renderer::Render(absl::string_view name, const Data& data) const {
  auto it = templates_.find(name);
  if (it == templates_.end()) return absl::StrCat("[[template ", name, "]]");
  // Parsed once per thread: the engine's render() is not const, so one parsed template
  // shared by the server's threads would need a lock; each thread keeps its own.
  thread_local std::map<std::pair<const Renderer*, std::string>,
                        std::unique_ptr<kainjow::mustache::mustache>>
      parsed_by_thread;
  auto& parsed = parsed_by_thread[{this, it->first}];
  if (parsed == nullptr) parsed = std::make_unique<kainjow::mustache::mustache>(it->second);
  kainjow::mustache::context<std::string> context(&globals_);
  context.push(&data);
  return parsed->render(context);
}

std::string Renderer::Page(absl::string_view page, const Data& data, const PageMeta& meta) const {
  Data layout = meta.frame;
  layout.set("content", Render(page, data));
  const std::string site = messages_.Text("site_name");
  layout.set("title",
             absl::StrCat(meta.has_error ? absl::StrCat(messages_.Text("title_error_prefix"), " ")
                                         : std::string(),
                          meta.title, " - ", site));
  return Render(meta.layout, layout);
}

}  // namespace events::web
