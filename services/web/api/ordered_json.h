#pragma once

#include <cstdint>
#include <string>
#include <vector>

// A JSON value whose objects keep their keys in the order they were first set, written out
// the same way every time: the OpenAPI document is generated at build time and must come out
// byte for byte the same from the same protos (a reproducible build), in an order a reader
// expects ("openapi", "info", "paths"...), which protobuf's Struct (a map) does not keep.
namespace events::web::api {

class OrderedJson {
 public:
  enum class Kind { kNull, kBool, kNumber, kString, kArray, kObject };

  OrderedJson() = default;                                              // null
  OrderedJson(const char* text) : kind_(Kind::kString), text_(text) {}  // NOLINT: a literal
  OrderedJson(std::string text) : kind_(Kind::kString), text_(std::move(text)) {}  // NOLINT
  OrderedJson(bool value) : kind_(Kind::kBool), flag_(value) {}                    // NOLINT
  OrderedJson(int64_t value) : kind_(Kind::kNumber), number_(value) {}             // NOLINT
  OrderedJson(int value) : OrderedJson(static_cast<int64_t>(value)) {}             // NOLINT

  static OrderedJson Object();
  static OrderedJson Array();
  static OrderedJson ArrayOf(const std::vector<std::string>& texts);

  Kind kind() const { return kind_; }
  // The member `key` of an object, added (null) at the end when it is not there yet. A null
  // value becomes an object first, so documents are built with doc["a"]["b"] = x.
  OrderedJson& operator[](const std::string& key);
  // The member `key`, or nullptr.
  const OrderedJson* Find(const std::string& key) const;
  // Appends to an array (a null value becomes an array first).
  OrderedJson& Push(OrderedJson value);
  size_t size() const { return values_.size(); }
  bool empty() const { return values_.empty(); }

  // The JSON text, indented by `indent` spaces per level, with a final newline.
  std::string Dump(int indent = 2) const;

 private:
  void Write(std::string& out, int indent, int depth) const;

  Kind kind_ = Kind::kNull;
  bool flag_ = false;
  int64_t number_ = 0;
  std::string text_;
  std::vector<std::string> keys_;  // objects: keys_[i] names values_[i]
  std::vector<OrderedJson> values_;
};

}  // namespace events::web::api
