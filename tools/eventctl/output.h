#pragma once

#include <cstdint>
#include <string>

namespace google::protobuf {
class Message;
}
namespace CLI {
class App;
class Option;
}  // namespace CLI

namespace events::eventctl {

// How a command prints what the service answered: "text" for people, "json" for scripts
// (the answer's protobuf message as JSON, field names as in the .proto files).
inline constexpr char kTextFormat[] = "text";
inline constexpr char kJsonFormat[] = "json";

// Adds "--format text|json" to `command`, stored in `format` (which starts as "text").
CLI::Option* AddFormatOption(CLI::App* command, std::string& format);

// A hidden "--json", the same as "--format json", for the commands that had it before
// --format (scripts written then keep working).
void AddJsonAlias(CLI::App* command, std::string& format);

// `message` as JSON (protobuf's JsonPrintOptions: indented, proto field names, enums as
// names, fields at their defaults left out), ending with a newline.
std::string ToJson(const google::protobuf::Message& message);

// "2026-03-30 09:00:00Z" for a Unix time in milliseconds; "-" for 0 (never happened).
std::string UtcTimeText(int64_t unix_ms);

// Prints `message` as JSON when `format` is "json", else `text`; returns exit code 0.
int Emit(const std::string& format, const google::protobuf::Message& message,
         const std::string& text);

}  // namespace events::eventctl
