#include "tools/eventctl/output.h"

#include <google/protobuf/message.h>
#include <google/protobuf/util/json_util.h>

#include <CLI/CLI.hpp>
#include <cstdio>

#include "absl/time/time.h"
#include "tools/eventctl/cli_context.h"

namespace events::eventctl {

CLI::Option* AddFormatOption(CLI::App* command, std::string& format) {
  format = kTextFormat;
  return command
      ->add_option("--format", format, "How to print the answer: text, or json for scripts")
      ->check([](const std::string& value) -> std::string {
        if (value == kTextFormat || value == kJsonFormat) return "";
        if (value == "online" || value == "in-person" || value == "hybrid") {
          // --format once also meant the event's format on create.
          return "this is how eventctl prints the answer (text or json); the event's own "
                 "format is given with --mode " +
                 value;
        }
        return "must be text or json, not \"" + value + "\"";
      })
      ->capture_default_str();
}

void AddJsonAlias(CLI::App* command, std::string& format) {
  command
      ->add_flag_callback(
          "--json", [&format] { format = kJsonFormat; }, "The same as --format json")
      ->group("");
}

std::string ToJson(const google::protobuf::Message& message) {
  std::string out;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = true;
  // A message built from the service's answer always prints; a failure would be a bug here.
  if (!google::protobuf::util::MessageToJsonString(message, &out, options).ok()) return "{}\n";
  if (out.empty() || out.back() != '\n') out += '\n';
  return out;
}

int Emit(const std::string& format, const google::protobuf::Message& message,
         const std::string& text) {
  const std::string out = format == kJsonFormat ? ToJson(message) : text;
  std::fwrite(out.data(), 1, out.size(), stdout);
  return kExitOk;
}

std::string UtcTimeText(int64_t unix_ms) {
  if (unix_ms == 0) return "-";
  return absl::FormatTime("%Y-%m-%d %H:%M:%SZ", absl::FromUnixMillis(unix_ms), absl::UTCTimeZone());
}

}  // namespace events::eventctl
