// LuaScript: the script's SHA1 is computed once, here, so EVALSHA never needs the source
// unless Redis has forgotten it.

#include <openssl/evp.h>

#include <string>

#include "common/redis/redis_client.h"

namespace events::redis {
namespace {

// Lower-case hex SHA1, the form Redis uses for EVALSHA and SCRIPT LOAD.
std::string Sha1Hex(const std::string& data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  // EVP rather than SHA1(): the low-level digest API is deprecated in OpenSSL 3. Hashing
  // in memory cannot fail short of allocation failure, which would leave the hash empty
  // and make every EVALSHA fall back to SCRIPT LOAD, still correct.
  if (EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha1(), nullptr) != 1) {
    return std::string();
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(size_t{length} * 2);
  for (unsigned int i = 0; i < length; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 0x0f]);
  }
  return hex;
}

// Every script starts with the "#!lua" shebang (Redis 7) unless it has one of its own. Without
// it, Redis runs a script in its compatibility mode, which in a cluster lets a script touch
// keys of several hash slots as long as they happen to sit on one node: a script that works
// on one node would fail once the slots are spread. With it, Redis refuses any script that
// touches keys of more than one slot, on one node as on many, so the tests catch it.
std::string WithShebang(std::string source) {
  if (source.rfind("#!", 0) == 0) return source;
  return "#!lua\n" + source;
}

}  // namespace

LuaScript::LuaScript(std::string name, std::string source)
    : name_(std::move(name)), source_(WithShebang(std::move(source))), sha1_(Sha1Hex(source_)) {}

}  // namespace events::redis
