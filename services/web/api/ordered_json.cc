#include "services/web/api/ordered_json.h"

#include "absl/strings/str_cat.h"
#include "common/log/json_escape.h"

namespace events::web::api {
namespace {

void WriteString(std::string& out, const std::string& text) {
  out.push_back('"');
  events::logging::AppendJsonEscaped(text, out);
  out.push_back('"');
}

void NewLine(std::string& out, int indent, int depth) {
  out.push_back('\n');
  out.append(static_cast<size_t>(indent) * static_cast<size_t>(depth), ' ');
}

}  // namespace

OrderedJson OrderedJson::Object() {
  OrderedJson value;
  value.kind_ = Kind::kObject;
  return value;
}

OrderedJson OrderedJson::Array() {
  OrderedJson value;
  value.kind_ = Kind::kArray;
  return value;
}

OrderedJson OrderedJson::ArrayOf(const std::vector<std::string>& texts) {
  OrderedJson value = Array();
  for (const std::string& text : texts) value.Push(text);
  return value;
}

OrderedJson& OrderedJson::operator[](const std::string& key) {
  if (kind_ == Kind::kNull) kind_ = Kind::kObject;
  for (size_t i = 0; i < keys_.size(); ++i) {
    if (keys_[i] == key) return values_[i];
  }
  keys_.push_back(key);
  values_.emplace_back();
  return values_.back();
}

const OrderedJson* OrderedJson::Find(const std::string& key) const {
  for (size_t i = 0; i < keys_.size(); ++i) {
    if (keys_[i] == key) return &values_[i];
  }
  return nullptr;
}

OrderedJson& OrderedJson::Push(OrderedJson value) {
  if (kind_ == Kind::kNull) kind_ = Kind::kArray;
  values_.push_back(std::move(value));
  return values_.back();
}

std::string OrderedJson::Dump(int indent) const {
  std::string out;
  Write(out, indent, 0);
  out.push_back('\n');
  return out;
}

void OrderedJson::Write(std::string& out, int indent, int depth) const {
  switch (kind_) {
    case Kind::kNull:
      out.append("null");
      return;
    case Kind::kBool:
      out.append(flag_ ? "true" : "false");
      return;
    case Kind::kNumber:
      absl::StrAppend(&out, number_);
      return;
    case Kind::kString:
      WriteString(out, text_);
      return;
    case Kind::kArray:
    case Kind::kObject:
      break;
  }
  const bool object = kind_ == Kind::kObject;
  out.push_back(object ? '{' : '[');
  for (size_t i = 0; i < values_.size(); ++i) {
    if (i > 0) out.push_back(',');
    NewLine(out, indent, depth + 1);
    if (object) {
      WriteString(out, keys_[i]);
      out.append(": ");
    }
    values_[i].Write(out, indent, depth + 1);
  }
  if (!values_.empty()) NewLine(out, indent, depth);
  out.push_back(object ? '}' : ']');
}

}  // namespace events::web::api
