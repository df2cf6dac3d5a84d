// Samples for the people service (samples.h). Members are made over gRPC with the
// organisation's organiser key; the calls about a person's own session are sent with that
// key too, so both ways answer "this call needs your session" alike (a session of a person
// signing in is the console's, tested in tests/browser/console*.test.js and tests/people).
#include "absl/strings/substitute.h"
#include "events/v1/people.pb.h"
#include "tests/api/samples.h"
#include "tests/api/samples_internal.h"

namespace events::api_test {

using absl::Substitute;

void AddPeopleSamples(std::map<std::string, Sample>& s) {
  s["PeopleService.InviteMember"] = {true, [](World& w) {
                                       return CallInput{
                                           Substitute(R"({"name": "Robin Reader", "email": "$0",
                                        "roles": ["MEMBER_ROLE_VIEWER"]})",
                                                      w.UniqueEmail("invited")),
                                           w.org_a()};
                                     }};
  s["PeopleService.ListMembers"] = {
      false, [](World& w) {
        return CallInput{R"({"page": {"page_size": 100}})", w.org_a()};
      }};
  s["PeopleService.GetMember"] = {false, [](World& w) {
                                    static const std::string id = w.NewMember();
                                    return CallInput{IdJson("member_id", id), w.org_a()};
                                  }};
  s["PeopleService.ChangeMemberRoles"] = {
      true, [](World& w) {
        return CallInput{
            Substitute(R"({"member_id": "$0", "roles": ["MEMBER_ROLE_ORGANISER"]})", w.NewMember()),
            w.org_a()};
      }};
  s["PeopleService.RemoveMember"] = {
      true, [](World& w) {
        return CallInput{IdJson("member_id", w.NewMember()), w.org_a()};
      }};
  s["PeopleService.ResetSecondFactor"] = {
      true, [](World& w) {
        return CallInput{IdJson("member_id", w.NewMember()), w.org_a()};
      }};
  s["PeopleService.ListPeopleAudit"] = {
      false, [](World& w) {
        w.NewMember();  // at least one entry
        return CallInput{R"({"page": {"page_size": 5}})", w.org_a()};
      }};
  // Public: the same answer for any address, member or not.
  s["PeopleService.RequestSignIn"] = {true, [](World& w) {
                                        return CallInput{Substitute(R"({"email": "$0",
                                        "browser_secret": "api-test-browser-secret-0123456789abcdef"})",
                                                                    w.UniqueEmail("stranger"))};
                                      }};
  // A link that was never sent: refused alike both ways.
  s["PeopleService.CompleteSignIn"] = {
      true, [](World&) {
        return CallInput{R"({"link_token": "sil_nope.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                             "browser_secret": "api-test-browser-secret-0123456789abcdef"})"};
      }};
  // A person's own session calls, with a key: "this call needs your session", both ways.
  for (const char* rpc : {"VerifySecondFactor", "ConfirmSecondFactor", "RenewRecoveryCodes"}) {
    s[std::string("PeopleService.") + rpc] = {
        true, [](World& w) {
          return CallInput{R"({"code": "123456"})", w.org_a()};
        }};
  }
  s["PeopleService.GetMe"] = {false, [](World& w) { return CallInput{"{}", w.org_a()}; }};
  s["PeopleService.StartSecondFactorSetup"] = {true, [](World& w) {
                                                 return CallInput{"{}", w.org_a()};
                                               }};
  s["PeopleService.SignOut"] = {true, [](World& w) {
                                  return CallInput{R"({"everywhere": true})", w.org_a()};
                                }};
}

}  // namespace events::api_test
