#include "services/web/http/form.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/util/utf8.h"

namespace events::web {
namespace {

constexpr size_t kMaxFields = 500;

bool IsUtf8(absl::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const CodePoint c = DecodeUtf8(s, i);
    if (c.length == 0) return false;
    i += c.length;
  }
  return true;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

absl::StatusOr<std::string> Decode(absl::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%') {
      const int hi = i + 2 < s.size() ? HexValue(s[i + 1]) : -1;
      const int lo = i + 2 < s.size() ? HexValue(s[i + 2]) : -1;
      if (hi < 0 || lo < 0) return absl::InvalidArgumentError("the form has a bad %-escape");
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += s[i];
    }
  }
  if (!IsUtf8(out)) return absl::InvalidArgumentError("the form has text that is not UTF-8");
  return out;
}

}  // namespace

absl::StatusOr<Form> Form::Parse(absl::string_view body) {
  Form form;
  if (body.empty()) return form;
  for (absl::string_view pair : absl::StrSplit(body, '&')) {
    if (pair.empty()) continue;
    if (form.fields_.size() == kMaxFields) {
      return absl::InvalidArgumentError(
          absl::StrCat("the form has more than ", kMaxFields, " fields"));
    }
    const size_t eq = pair.find('=');
    auto name = Decode(pair.substr(0, eq));
    if (!name.ok()) return name.status();
    auto value = Decode(eq == absl::string_view::npos ? "" : pair.substr(eq + 1));
    if (!value.ok()) return value.status();
    form.fields_.emplace_back(*std::move(name), *std::move(value));
  }
  return form;
}

absl::StatusOr<Form> Form::FromParts(const std::vector<FormPart>& parts, size_t max_file_bytes,
                                     std::vector<FormPart>* files) {
  Form form;
  if (parts.size() > kMaxFields) {
    return absl::InvalidArgumentError(
        absl::StrCat("the form has more than ", kMaxFields, " fields"));
  }
  for (const FormPart& part : parts) {
    if (!IsUtf8(part.name)) return absl::InvalidArgumentError("a field name is not UTF-8");
    if (part.IsFile()) {
      if (part.content.size() > max_file_bytes) {
        return absl::OutOfRangeError(absl::StrCat("the file of field ", part.name,
                                                  " is larger than ", max_file_bytes, " bytes"));
      }
      files->push_back(part);
      continue;
    }
    if (!IsUtf8(part.content)) {
      return absl::InvalidArgumentError("the form has text that is not UTF-8");
    }
    form.fields_.emplace_back(part.name, part.content);
  }
  return form;
}

std::string Form::Get(absl::string_view name) const {
  for (const auto& [n, v] : fields_) {
    if (n == name) return v;
  }
  return "";
}

std::vector<std::string> Form::All(absl::string_view name) const {
  std::vector<std::string> out;
  for (const auto& [n, v] : fields_) {
    if (n == name) out.push_back(v);
  }
  return out;
}

bool Form::Has(absl::string_view name) const {
  for (const auto& [n, v] : fields_) {
    if (n == name) return true;
  }
  return false;
}

}  // namespace events::web
