// Hash slots and which argument of a command is its routing key.

#include "common/redis/cluster_slot.h"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/string_view.h"

namespace events::redis::internal {
namespace {

// CRC16-CCITT (XMODEM): polynomial 0x1021, initial value 0, no reflection, as in Redis's
// crc16.c. The table is built once at compile time.
constexpr std::array<uint16_t, 256> MakeCrc16Table() {
  std::array<uint16_t, 256> table{};
  for (int i = 0; i < 256; ++i) {
    uint16_t crc = static_cast<uint16_t>(i << 8);
    for (int bit = 0; bit < 8; ++bit) {
      crc = (crc & 0x8000) != 0 ? static_cast<uint16_t>((crc << 1) ^ 0x1021)
                                : static_cast<uint16_t>(crc << 1);
    }
    table[static_cast<size_t>(i)] = crc;
  }
  return table;
}
constexpr std::array<uint16_t, 256> kCrc16Table = MakeCrc16Table();

uint16_t Crc16(absl::string_view data) {
  uint16_t crc = 0;
  for (char c : data) {
    const auto byte = static_cast<uint8_t>(c);
    crc = static_cast<uint16_t>((crc << 8) ^ kCrc16Table[((crc >> 8) ^ byte) & 0xff]);
  }
  return crc;
}

// argv[i] as a non-negative number, or -1.
int NumberAt(const std::vector<std::string>& argv, size_t i) {
  int n = -1;
  if (i >= argv.size() || !absl::SimpleAtoi(argv[i], &n) || n < 0) return -1;
  return n;
}

// The key after a count of keys at argv[count_at] (e.g. EVAL's numkeys), or -1 for none.
int FirstCountedKey(const std::vector<std::string>& argv, size_t count_at) {
  if (NumberAt(argv, count_at) <= 0 || count_at + 1 >= argv.size()) return -1;
  return static_cast<int>(count_at + 1);
}

}  // namespace

int KeySlot(absl::string_view key) {
  const size_t open = key.find('{');
  if (open != absl::string_view::npos) {
    const size_t close = key.find('}', open + 1);
    if (close != absl::string_view::npos && close > open + 1) {
      key = key.substr(open + 1, close - open - 1);
    }
  }
  return Crc16(key) & (kClusterSlots - 1);
}

int RoutingKeyIndex(const std::vector<std::string>& argv) {
  if (argv.size() < 2) return -1;
  const std::string verb = absl::AsciiStrToUpper(argv[0]);
  if (verb == "EVAL" || verb == "EVALSHA" || verb == "EVAL_RO" || verb == "EVALSHA_RO" ||
      verb == "FCALL" || verb == "FCALL_RO") {
    return FirstCountedKey(argv, 2);
  }
  if (verb == "XREAD" || verb == "XREADGROUP") {
    for (size_t i = 1; i + 1 < argv.size(); ++i) {
      if (absl::AsciiStrToUpper(argv[i]) == "STREAMS") return static_cast<int>(i + 1);
    }
    return -1;
  }
  if (verb == "XGROUP" || verb == "OBJECT" || verb == "XINFO" || verb == "MEMORY") {
    // The subcommand first, then the key; HELP, MEMORY STATS and the like have none.
    const std::string sub = absl::AsciiStrToUpper(argv[1]);
    if (argv.size() < 3 || sub == "HELP") return -1;
    if (verb == "MEMORY" && sub != "USAGE") return -1;
    return 2;
  }
  // The number of keys comes first.
  if (verb == "LMPOP" || verb == "ZMPOP" || verb == "SINTERCARD" || verb == "ZINTERCARD" ||
      verb == "ZUNION" || verb == "ZINTER" || verb == "ZDIFF") {
    return FirstCountedKey(argv, 1);
  }
  if (verb == "BLMPOP" || verb == "BZMPOP") return FirstCountedKey(argv, 2);
  for (absl::string_view keyless :
       {"PING",         "ECHO",     "TIME",      "INFO",       "SCRIPT",  "FUNCTION", "CLUSTER",
        "ACL",          "CLIENT",   "CONFIG",    "COMMAND",    "DBSIZE",  "FLUSHALL", "FLUSHDB",
        "KEYS",         "SCAN",     "RANDOMKEY", "WAIT",       "MULTI",   "EXEC",     "DISCARD",
        "UNWATCH",      "AUTH",     "HELLO",     "SELECT",     "ASKING",  "READONLY", "READWRITE",
        "ROLE",         "LASTSAVE", "SLOWLOG",   "LATENCY",    "DEBUG",   "SAVE",     "BGSAVE",
        "BGREWRITEAOF", "PUBLISH",  "SUBSCRIBE", "PSUBSCRIBE", "MONITOR", "MODULE",   "SWAPDB"}) {
    if (verb == keyless) return -1;
  }
  return 1;
}

int CommandSlot(const std::vector<std::string>& argv) {
  const int index = RoutingKeyIndex(argv);
  return index < 0 ? -1 : KeySlot(argv[static_cast<size_t>(index)]);
}

}  // namespace events::redis::internal
