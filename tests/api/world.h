#pragma once

#include <google/protobuf/message.h>

#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/api/api_client.h"

// The things the API tests act on, made over gRPC as an organiser (or attendee) would:
// events, registrations, access requests, webhooks, keys. Shared objects for reads are
// made once per process; writes make fresh ones ("twins") so that the gRPC call and the
// HTTP call each act on an object of their own in the same state.
namespace events::api_test {

struct Person {
  std::string registration_id;
  std::string token;
  std::string email;
};

struct IssuedKey {
  std::string key_id;
  std::string key;
};

class World {
 public:
  // The process's world; its shared objects are made on first use.
  static World& Get();

  std::string org_a() const { return org_a_; }
  std::string org_b() const { return org_b_; }

  // A request for the RPC from API JSON (json_mapping's rules) and an attendee token.
  static std::unique_ptr<google::protobuf::Message> Request(
      const google::protobuf::MethodDescriptor& method, const std::string& json,
      const std::string& token = "");
  // Calls an RPC over gRPC and fails the test unless it is OK; returns the answer.
  template <class T>
  T Call(const std::string& rpc, const std::string& json, const std::string& key,
         const std::string& token = "") {
    T out;
    std::unique_ptr<google::protobuf::Message> answer = CallOk(rpc, json, key, token);
    if (answer) out.CopyFrom(*answer);
    return out;
  }

  // "2027-01-05": 20 days from now, when the test events take place.
  static std::string Day();
  // EventDetails as API JSON, with `title`.
  static std::string Details(const std::string& title);

  // Set-up steps (org A unless a key is given). Ids of what was made.
  std::string NewEvent(bool publish, const std::string& key = "");
  std::string NewApprovalEvent();
  std::string NewSeries(bool publish);
  Person Register(const std::string& event_id, bool marketing_opt_in = false);
  std::string NewAccessRequest(const Person& person);
  std::string NewProvision(const std::string& event_id);
  std::string NewWebhook(const std::string& key = "");
  IssuedKey NewKey(const std::vector<std::string>& scopes);
  // A person invited to organisation A just now (a viewer); their member id.
  std::string NewMember();
  // Waits until feedback's projection has the event's survey (it follows scheduling).
  void AwaitSurvey(const std::string& event_id);
  std::string UniqueEmail(const std::string& who);
  // "<prefix>.<microseconds>.<n>": unique in this process.
  std::string Unique(const std::string& prefix);

  // Made once: a published event with a registration, an access request and a provision;
  // its survey open with five answers; a published series; a webhook. Org A's.
  struct Shared {
    std::string event_id;
    Person person;
    std::string request_id;
    std::string provision_id;
    std::string series_id;
    std::string webhook_id;
  };
  const Shared& shared();

 private:
  World();
  std::unique_ptr<google::protobuf::Message> CallOk(const std::string& rpc, const std::string& json,
                                                    const std::string& key,
                                                    const std::string& token);
  std::string org_a_, org_b_;
  std::unique_ptr<Shared> shared_;
  int next_email_ = 0;
  int next_visitor_ = 0;
};

}  // namespace events::api_test
