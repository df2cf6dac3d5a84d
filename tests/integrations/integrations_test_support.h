#pragma once

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/integrations/peers/registration_directory.h"

namespace events::integrations::testing {

// An independent check of a Standard Webhooks signature, straight from the specification:
// base64(HMAC-SHA256(base64-decoded secret after "whsec_", id "." timestamp "." body)).
inline bool IndependentlyVerified(const std::string& secret, const std::string& id,
                                  const std::string& timestamp, const std::string& body,
                                  const std::string& header) {
  if (!absl::StartsWith(secret, "whsec_")) return false;
  std::string key;
  if (!absl::Base64Unescape(secret.substr(6), &key)) return false;
  const std::string content = absl::StrCat(id, ".", timestamp, ".", body);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(content.data()), content.size(), mac, &len);
  const std::string expected =
      "v1," + absl::Base64Escape(std::string(reinterpret_cast<char*>(mac), len));
  return absl::StrContains(absl::StrCat(" ", header, " "), absl::StrCat(" ", expected, " "));
}

// Polls `done` (running `step` between polls) until it is true or the timeout passes.
inline bool Eventually(const std::function<bool()>& done, const std::function<void()>& step,
                       std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    if (step) step();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return done();
}

// Registrations in memory, as the registration service would answer.
class FakeRegistrations final : public RegistrationDirectory {
 public:
  void Put(const events::v1::Registration& r) {
    std::lock_guard<std::mutex> lock(mu_);
    regs_[r.id()] = r;
  }
  events::v1::Registration Get(const std::string& id) {
    std::lock_guard<std::mutex> lock(mu_);
    return regs_[id];
  }
  void SetUnavailable(bool down) {
    std::lock_guard<std::mutex> lock(mu_);
    down_ = down;
  }
  absl::StatusOr<events::v1::Registration> Lookup(const std::string& id) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (down_) return absl::UnavailableError("registration is down");
    auto it = regs_.find(id);
    if (it == regs_.end()) return absl::NotFoundError("no such registration");
    return it->second;
  }
  // Only WithdrawMarketing fails (UNAVAILABLE) while set.
  void SetWithdrawUnavailable(bool down) {
    std::lock_guard<std::mutex> lock(mu_);
    withdraw_down_ = down;
  }
  absl::StatusOr<events::v1::Registration> WithdrawMarketing(const std::string& id) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (down_ || withdraw_down_) return absl::UnavailableError("registration is down");
    auto it = regs_.find(id);
    if (it == regs_.end()) return absl::NotFoundError("no such registration");
    it->second.set_marketing_opt_in(false);
    it->second.set_version(it->second.version() + 1);
    ++withdrawn_;
    return it->second;
  }
  int withdrawn() {
    std::lock_guard<std::mutex> lock(mu_);
    return withdrawn_;
  }

 private:
  std::mutex mu_;
  std::map<std::string, events::v1::Registration> regs_;
  bool down_ = false;
  bool withdraw_down_ = false;
  int withdrawn_ = 0;
};

}  // namespace events::integrations::testing
