#include "tools/eventctl/suggest.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace events::eventctl {
namespace {

TEST(EventctlSuggestTest, SwapsOfNeighboursAndCaseCountAsCloseSlips) {
  const std::vector<std::string> words = {"list", "show", "kitten"};
  EXPECT_EQ(ClosestMatch("lsit", words), "list");           // swap
  EXPECT_EQ(ClosestMatch("lis", words), "list");            // deletion
  EXPECT_EQ(ClosestMatch("lust", words), "list");           // substitution
  EXPECT_EQ(ClosestMatch("LIST", words), "list");           // commands are case-sensitive
  EXPECT_EQ(ClosestMatch("sitting", words), std::nullopt);  // 3 edits from "kitten": too far
}

TEST(EventctlSuggestTest, SuggestsTheClosestCandidateWithinAThirdOfTheWord) {
  const std::vector<std::string> commands = {"registrations", "register", "resend-link", "list",
                                             "show"};
  EXPECT_EQ(ClosestMatch("registratons", commands), "registrations");
  EXPECT_EQ(ClosestMatch("regsiter", commands), "register");
  EXPECT_EQ(ClosestMatch("lsit", commands), "list");
  EXPECT_EQ(ClosestMatch("shwo", commands), "show");
  // Too far from everything: no guess rather than a wrong one.
  EXPECT_EQ(ClosestMatch("frobnicate", commands), std::nullopt);
  EXPECT_EQ(ClosestMatch("x", commands), std::nullopt);
  // A word that is a candidate needs no suggestion.
  EXPECT_EQ(ClosestMatch("list", commands), std::nullopt);
}

TEST(EventctlSuggestTest, SuggestsTheOnlyCandidateAWordAbbreviates) {
  const std::vector<std::string> needs = {"bsl_interpreter", "live_captions", "large_print",
                                          "lipspeaker"};
  EXPECT_EQ(ClosestMatch("bsl", needs), "bsl_interpreter");
  // "l" starts three of them: too ambiguous to guess.
  EXPECT_EQ(ClosestMatch("l", needs), std::nullopt);
  EXPECT_EQ(ClosestMatch("li", needs), std::nullopt);
  EXPECT_EQ(ClosestMatch("live", needs), "live_captions");
}

}  // namespace
}  // namespace events::eventctl
