// The organiser console's bar charts: the drawing, its summary sentence and its table rows.
#include <cmath>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/web/console/svg/bar_chart.h"
#include "services/web/console/svg/chart_colours.h"
#include "services/web/console/svg/xml_text.h"
#include "tests/web/xml_check.h"

namespace events::web::console {
namespace {

using ::events::web::testing::ParseXml;
using ::events::web::testing::XmlElement;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

BarChartInput Rating(std::vector<BarInput> bars) {
  BarChartInput input;
  input.id = "q-overall";
  input.title = "How would you rate the event?";
  input.verb = "rated it";
  input.bars = std::move(bars);
  return input;
}

BarChart Render(const BarChartInput& input) {
  absl::StatusOr<BarChart> chart = RenderBarChart(input);
  EXPECT_TRUE(chart.ok()) << chart.status();
  return chart.ok() ? *std::move(chart) : BarChart{};
}

XmlElement Parsed(const std::string& svg) {
  absl::StatusOr<XmlElement> root = ParseXml(svg);
  EXPECT_TRUE(root.ok()) << root.status() << "\n" << svg;
  return root.ok() ? *std::move(root) : XmlElement{};
}

// What each <text> says, its lines joined by spaces.
std::vector<std::string> DrawnTexts(const XmlElement& svg) {
  std::vector<std::string> texts;
  svg.Visit([&texts](const XmlElement& e) {
    if (e.name != "text") return;
    if (e.children.empty()) {
      texts.push_back(e.text);
      return;
    }
    std::vector<std::string> lines;
    for (const XmlElement& line : e.children) lines.push_back(line.AllText());
    texts.push_back(absl::StrJoin(lines, " "));
  });
  return texts;
}

std::vector<std::string> Percents(const BarChart& chart) {
  std::vector<std::string> out;
  for (const BarTableRow& row : chart.rows) out.push_back(row.percent_text);
  return out;
}

// The first child of that name (an empty element, and a failure, when there is none).
const XmlElement& Child(const XmlElement& e, absl::string_view name) {
  for (const XmlElement& child : e.children) {
    if (child.name == name) return child;
  }
  ADD_FAILURE() << "<" << e.name << "> has no <" << name << ">";
  static const XmlElement* const kNone = new XmlElement();
  return *kNone;
}

double ViewBoxWidth(const XmlElement& svg) {
  const std::vector<std::string> box = absl::StrSplit(svg.Value("viewBox"), ' ');
  double width = 0;
  EXPECT_EQ(box.size(), 4u);
  if (box.size() == 4) {
    EXPECT_TRUE(absl::SimpleAtod(box[2], &width));
  }
  return width;
}

// WCAG 2.2's relative luminance and contrast ratio, from "#rrggbb".
double Luminance(absl::string_view hex) {
  double channels[3];
  for (int i = 0; i < 3; ++i) {
    uint32_t byte = 0;
    EXPECT_TRUE(absl::SimpleHexAtoi(hex.substr(1 + 2 * i, 2), &byte)) << hex;
    const double c = byte / 255.0;
    channels[i] = c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
  }
  return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2];
}

double Contrast(absl::string_view a, absl::string_view b) {
  const double la = Luminance(a), lb = Luminance(b);
  return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

TEST(XmlEscapeTest, EscapesMarkupAndQuotesForTextAndAttributes) {
  EXPECT_EQ(XmlEscape("<a title=\"x\">'&'</a>"),
            "&lt;a title=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  EXPECT_EQ(XmlEscape("caf\xC3\xA9 \xF0\x9F\x99\x82"), "caf\xC3\xA9 \xF0\x9F\x99\x82");
  EXPECT_EQ(XmlEscape(std::string("a\0b\x1b[31m", 8)),
            "a\xEF\xBF\xBD"
            "b\xEF\xBF\xBD[31m");
}

TEST(XmlCheckTest, RefusesWhatIsNotWellFormed) {
  EXPECT_TRUE(ParseXml("<a x=\"1\"><b>t &amp; &#x41;</b><!-- c --></a>\n").ok());
  for (const char* bad : {"<a>", "<a></b>", "<a x=1/>", "<a x=\"1\" x=\"2\"/>", "<a>&</a>",
                          "<a>&bogus;</a>", "<a><</a>", "<a/><b/>", "text<a/>", "<a>\x01</a>",
                          "<a>\xff</a>", "<a x=\"<\"/>", "<a>]]></a>", "<a>&#0;</a>"}) {
    EXPECT_FALSE(ParseXml(bad).ok()) << bad;
  }
}

TEST(BarChartSummaryTest, SaysWhatMostPeopleAnswered) {
  const BarChart chart =
      Render(Rating({{"Very poor", 0}, {"Poor", 1}, {"OK", 2}, {"Good", 5}, {"Very good", 12}}));
  EXPECT_EQ(chart.summary, "Most people (12 of 20) rated it Very good.");
  EXPECT_EQ(chart.shown_total, 20);
}

TEST(BarChartSummaryTest, ZeroResponsesSayThereAreNoAnswersYet) {
  EXPECT_EQ(Render(Rating({{"Yes", 0}, {"No", 0}})).summary, "There are no answers yet.");
  EXPECT_EQ(Render(Rating({})).summary, "There are no answers yet.");
  EXPECT_THAT(Percents(Render(Rating({{"Yes", 0}, {"No", 0}}))), ElementsAre("0%", "0%"));
}

TEST(BarChartSummaryTest, TiesNameEveryLeader) {
  EXPECT_EQ(Render(Rating({{"Poor", 3}, {"Good", 6}, {"Very good", 6}})).summary,
            "Good and Very good were equally common (6 of 15 people each).");
  EXPECT_EQ(Render(Rating({{"A", 4}, {"B", 4}, {"C", 4}})).summary,
            "A, B and C were equally common (4 of 12 people each).");
  EXPECT_EQ(Render(Rating({{"A", 6}, {"B", 6}, {"C", 2, /*withheld=*/true}})).summary,
            "A and B were equally common (6 of 12 people shown each); C has fewer than 5 "
            "answers: not shown, so nobody can be identified.");
}

TEST(BarChartSummaryTest, APluralityIsNotCalledMost) {
  BarChartInput input = Rating({{"Poor", 5}, {"Good", 8}, {"Very good", 7}});
  input.verb = "chose";
  EXPECT_EQ(Render(input).summary, "More people chose Good than anything else (8 of 20).");
  // Exactly half is not most either.
  EXPECT_EQ(Render(Rating({{"Yes", 5}, {"No", 3}, {"Maybe", 2}})).summary,
            "More people rated it Yes than anything else (5 of 10).");
}

TEST(BarChartSummaryTest, EveryoneTheSameAndSingularUnits) {
  BarChartInput input = Rating({{"Yes", 20}, {"No", 0}});
  input.verb = "answered";
  EXPECT_EQ(Render(input).summary, "All 20 people answered Yes.");
  input.bars = {{"Yes", 2}, {"No", 0}};
  EXPECT_EQ(Render(input).summary, "Both people answered Yes.");
  input.bars = {{"Yes", 1}, {"No", 0}};
  EXPECT_EQ(Render(input).summary, "1 person answered Yes.");
  input.unit = "responses";
  input.bars = {{"Yes", 1500}, {"No", 1234}};
  EXPECT_EQ(Render(input).summary, "Most responses (1,500 of 2,734) answered Yes.");
}

TEST(BarChartSummaryTest, WithheldGroupsAreNamedWithoutANumber) {
  BarChartInput input = Rating({{"Yes", 12}, {"Maybe", 10}, {"No", 3, /*withheld=*/true}});
  input.verb = "answered";
  const BarChart chart = Render(input);
  EXPECT_EQ(chart.summary,
            "Most people (12 of 22 shown) answered Yes; No has fewer than 5 answers: not "
            "shown, so nobody can be identified.");
  EXPECT_EQ(chart.shown_total, 22);

  input.bars = {{"Yes", 12}, {"Maybe", 1, true}, {"No", 2, true}};
  EXPECT_EQ(Render(input).summary,
            "All 12 people shown answered Yes; Maybe and No have fewer than 5 answers each: "
            "not shown, so nobody can be identified.");
}

TEST(BarChartSummaryTest, AllWithheldSaysOnlyThat) {
  BarChartInput input = Rating({{"Yes", 2, true}, {"No", 1, true}});
  input.min_group = 10;
  EXPECT_EQ(Render(input).summary,
            "Fewer than 10 answers: not shown, so nobody can be identified.");
}

TEST(BarChartTableTest, RowsHaveCountsAndWholePercentsThatAddUpTo100) {
  const BarChart chart =
      Render(Rating({{"Very poor", 0}, {"Poor", 1}, {"OK", 2}, {"Good", 5}, {"Very good", 12}}));
  EXPECT_THAT(Percents(chart), ElementsAre("0%", "5%", "10%", "25%", "60%"));
  ASSERT_EQ(chart.rows.size(), 5u);
  EXPECT_EQ(chart.rows[4].label, "Very good");
  EXPECT_EQ(chart.rows[4].count, 12);
  EXPECT_EQ(chart.rows[4].count_text, "12");
  EXPECT_EQ(chart.rows[4].percent, 60);

  // Thirds: the point left over goes to the first of equals, not to all three (101%).
  EXPECT_THAT(Percents(Render(Rating({{"A", 1}, {"B", 1}, {"C", 1}}))),
              ElementsAre("34%", "33%", "33%"));
  EXPECT_THAT(Percents(Render(Rating({{"A", 1}, {"B", 2}}))), ElementsAre("33%", "67%"));
  // Rounding never says 0% of someone, nor 100% while someone answered otherwise.
  EXPECT_THAT(Percents(Render(Rating({{"A", 1}, {"B", 299}}))),
              ElementsAre("less than 1%", "more than 99%"));
  EXPECT_EQ(Render(Rating({{"A", 1234567}})).rows[0].count_text, "1,234,567");
}

TEST(BarChartTableTest, PercentsAlwaysAddUpTo100AndStayWithinAPointOfExact) {
  uint64_t seed = 12345;  // a fixed sequence: the same distributions every run
  for (int trial = 0; trial < 500; ++trial) {
    std::vector<BarInput> bars;
    const int n = 1 + trial % 11;
    int64_t total = 0;
    for (int i = 0; i < n; ++i) {
      seed = seed * 6364136223846793005u + 1442695040888963407u;
      const int64_t count = static_cast<int64_t>((seed >> 33) % (trial % 3 == 0 ? 7 : 1000));
      bars.push_back({"Answer " + std::to_string(i), count});
      total += count;
    }
    const BarChart chart = Render(Rating(bars));
    if (total == 0) continue;
    int sum = 0;
    for (size_t i = 0; i < bars.size(); ++i) {
      const double exact = 100.0 * static_cast<double>(bars[i].count) / static_cast<double>(total);
      EXPECT_LT(std::abs(chart.rows[i].percent - exact), 1.0) << "trial " << trial;
      sum += chart.rows[i].percent;
    }
    EXPECT_EQ(sum, 100) << "trial " << trial;
  }
}

TEST(BarChartTableTest, WithheldRowsSayWhyAndHaveNoNumber) {
  const BarChart chart = Render(Rating({{"Yes", 12}, {"Maybe", 10}, {"No", 3, /*withheld=*/true}}));
  ASSERT_EQ(chart.rows.size(), 3u);
  const BarTableRow& no = chart.rows[2];
  EXPECT_TRUE(no.withheld);
  EXPECT_EQ(no.count, 0);
  EXPECT_EQ(no.percent, 0);
  EXPECT_EQ(no.count_text, "Fewer than 5 answers: not shown, so nobody can be identified");
  EXPECT_EQ(no.percent_text, "Not shown");
  // Percents are of the answers shown.
  EXPECT_THAT(Percents(chart), ElementsAre("55%", "45%", "Not shown"));
}

TEST(BarChartSvgTest, IsWellFormedAndNamedByItsTitleAndDescription) {
  const BarChart chart = Render(Rating({{"Poor", 1}, {"Good", 7}, {"Very good", 12}}));
  const XmlElement svg = Parsed(chart.svg);
  EXPECT_EQ(svg.name, "svg");
  EXPECT_EQ(svg.Value("role"), "img");
  const std::vector<std::string> ids = absl::StrSplit(svg.Value("aria-labelledby"), ' ');
  ASSERT_EQ(ids.size(), 2u);
  const XmlElement& title = Child(svg, "title");
  const XmlElement& desc = Child(svg, "desc");
  EXPECT_EQ(title.Value("id"), ids[0]);
  EXPECT_EQ(desc.Value("id"), ids[1]);
  EXPECT_TRUE(absl::StartsWith(ids[0], "q-overall"));
  EXPECT_EQ(title.text, "How would you rate the event?");
  // The description is the summary, then every row in words.
  EXPECT_EQ(desc.text,
            "Most people (12 of 20) rated it Very good. Poor: 1 (5%). Good: 7 (35%). Very good: "
            "12 (60%).");
}

TEST(BarChartSvgTest, LabelsAndValuesAreDrawnAsText) {
  const BarChart chart = Render(Rating({{"Poor", 0}, {"Good", 7}, {"Very good", 13}}));
  EXPECT_THAT(DrawnTexts(Parsed(chart.svg)),
              ElementsAre("Poor", "0 (0%)", "Good", "7 (35%)", "Very good", "13 (65%)"));
}

TEST(BarChartSvgTest, BarLengthsFollowTheCounts) {
  const XmlElement svg = Parsed(Render(Rating({{"A", 0}, {"B", 5}, {"C", 10}})).svg);
  std::vector<double> widths;
  for (const XmlElement& group : svg.children) {
    if (group.name != "g" || group.Value("fill") != kBarColour) continue;
    for (const XmlElement& bar : group.children) {
      double width = 0;
      EXPECT_TRUE(absl::SimpleAtod(bar.Value("width"), &width));
      widths.push_back(width);
    }
  }
  ASSERT_EQ(widths.size(), 2u);  // a count of 0 has no bar, only its "0 (0%)"
  EXPECT_NEAR(widths[0] * 2, widths[1], 1.0);
}

TEST(BarChartSvgTest, WithheldGroupsAreDrawnAsWordsNotBars) {
  const std::string svg_text =
      Render(Rating({{"Yes", 12}, {"Maybe", 10}, {"No", 3, /*withheld=*/true}})).svg;
  const XmlElement svg = Parsed(svg_text);
  const std::vector<std::string> texts = DrawnTexts(svg);
  EXPECT_THAT(texts, ElementsAre("Yes", "12 (55%)", "Maybe", "10 (45%)", "No",
                                 "Fewer than 5 answers: not shown, so nobody can be identified"));
  EXPECT_THAT(Child(svg, "desc").text,
              HasSubstr("No: fewer than 5 answers: not shown, so nobody can be identified."));
  // The withheld count (3) is nowhere in what the chart says.
  std::string said = Child(svg, "desc").text + absl::StrJoin(texts, " ");
  EXPECT_FALSE(absl::StrContains(said, "3")) << said;
  int bars = 0;
  svg.Visit([&bars](const XmlElement& e) { bars += e.name == "rect" ? 1 : 0; });
  EXPECT_EQ(bars, 1 + 2);  // the background and the two groups shown
}

TEST(BarChartSvgTest, HostileTextIsEscapedEverywhere) {
  BarChartInput input;
  input.id = "q1";
  input.title = "</title><script>alert(1)</script>";
  input.unit = "\"people\" & <friends>";
  input.bars = {{"<script>alert('x')</script>", 3},
                {"Tom & \"Jerry\" 'quoted' ]]> end", 2},
                {std::string("bell\x07 and bad \xff bytes, U+FFFF \xEF\xBF\xBF"), 1}};
  const BarChart chart = Render(input);
  EXPECT_FALSE(absl::StrContains(chart.svg, "<script")) << chart.svg;
  const XmlElement svg = Parsed(chart.svg);
  EXPECT_EQ(Child(svg, "title").text, input.title);
  const std::vector<std::string> texts = DrawnTexts(svg);
  ASSERT_EQ(texts.size(), 6u);
  EXPECT_EQ(texts[0], "<script>alert('x')</script>");
  EXPECT_EQ(texts[2], "Tom & \"Jerry\" 'quoted' ]]> end");
  // What XML cannot hold is replaced, so the drawing stays well-formed.
  EXPECT_EQ(texts[4], "bell\xEF\xBF\xBD and bad \xEF\xBF\xBD bytes, U+FFFF \xEF\xBF\xBD");
  EXPECT_THAT(Child(svg, "desc").text, HasSubstr("\"people\" & <friends>"));
  svg.Visit([](const XmlElement& e) { EXPECT_NE(e.name, "script"); });
}

TEST(BarChartSvgTest, NoScriptNoStyleAndNothingFetched) {
  const XmlElement svg =
      Parsed(Render(Rating({{"Yes", 12}, {"Maybe", 10}, {"No", 3, /*withheld=*/true}})).svg);
  const std::set<std::string> drawn = {"svg", "title", "desc", "rect", "g", "text", "tspan"};
  svg.Visit([&drawn](const XmlElement& e) {
    EXPECT_TRUE(drawn.count(e.name)) << e.name;
    for (const auto& [name, value] : e.attributes) {
      EXPECT_FALSE(absl::StartsWith(name, "on")) << name;
      EXPECT_NE(name, "style");  // the site's CSP refuses inline styles
      EXPECT_FALSE(absl::StrContains(name, "href")) << name;
      EXPECT_FALSE(absl::StrContains(value, "url(")) << value;
      if (name != "xmlns") {
        EXPECT_FALSE(absl::StrContains(value, "//")) << name;
      }
    }
  });
}

TEST(BarChartSvgTest, ColoursMeetWcagContrastOnTheirOwnWhiteBackground) {
  EXPECT_EQ(kBackgroundColour, "#ffffff");
  EXPECT_GE(Contrast(kTextColour, kBackgroundColour), 4.5);  // text, 1.4.3
  EXPECT_GE(Contrast(kBarColour, kBackgroundColour), 3.0);   // non-text, 1.4.11
  EXPECT_GE(Contrast(kQrDarkColour, kBackgroundColour), 4.5);
  EXPECT_NEAR(Contrast(kBarColour, kBackgroundColour), 5.17, 0.01);  // as docs/console.md says
  EXPECT_NEAR(Contrast(kTextColour, kBackgroundColour), 19.59, 0.01);

  // The drawing uses those colours and no others, and paints its background first.
  const XmlElement svg = Parsed(Render(Rating({{"Yes", 12}, {"No", 3, true}})).svg);
  std::set<std::string> fills;
  svg.Visit([&fills](const XmlElement& e) {
    if (const std::string* fill = e.Attribute("fill")) fills.insert(*fill);
    EXPECT_EQ(e.Attribute("stroke"), nullptr);
  });
  EXPECT_EQ(fills, (std::set<std::string>{std::string(kBackgroundColour), std::string(kTextColour),
                                          std::string(kBarColour)}));
  const XmlElement& background = Child(svg, "rect");
  EXPECT_EQ(background.Value("fill"), kBackgroundColour);
  EXPECT_EQ(background.Value("width"), "320");
}

TEST(BarChartSvgTest, ScalesToItsContainerAndLongTextStaysInside) {
  const std::string long_label =
      "How well did the live captions, the British Sign Language interpreter and the "
      "easy-read slides together help you to follow every part of the session today?";
  BarChartInput input = Rating({{long_label, 3},
                                {"Averyveryverylongwordwithoutanyspacesthat"
                                 "cannotbebrokenanywhereatallreally",
                                 1000000}});
  const XmlElement svg = Parsed(Render(input).svg);
  EXPECT_EQ(svg.Value("width"), "100%");
  EXPECT_EQ(svg.Attribute("height"), nullptr);  // the viewBox's ratio sets it
  const double width = ViewBoxWidth(svg);
  int lines = 0;
  svg.Visit([&](const XmlElement& e) {
    const bool line = e.name == "tspan" || (e.name == "text" && e.children.empty());
    if (!line) return;
    ++lines;
    double x = 0;
    ASSERT_TRUE(absl::SimpleAtod(e.Value("x"), &x));
    EXPECT_LE(x + TextWidthEms(e.text) * 16, width) << e.text;
  });
  EXPECT_GE(lines, 6);  // the long label and the long word wrap onto lines of their own
}

TEST(BarChartInputTest, BadInputIsRefusedNamingTheFieldAndTheRule) {
  const auto refused = [](const BarChartInput& input, absl::string_view field) {
    const absl::StatusOr<BarChart> chart = RenderBarChart(input);
    EXPECT_EQ(chart.status().code(), absl::StatusCode::kInvalidArgument) << field;
    EXPECT_THAT(std::string(chart.status().message()), HasSubstr(field));
  };
  BarChartInput input = Rating({{"Yes", 1}});
  input.id = "q\" onload=\"x";
  refused(input, "id must be a letter");
  input.id = "1st";
  refused(input, "id must be a letter");
  input = Rating({{"Yes", 1}});
  input.title = "  ";
  refused(input, "title must be 1 to 200 characters");
  input = Rating({{"Yes", -1}});
  refused(input, "bars[0].count must be between 0 and");
  input = Rating({{"Yes", 1}, {"", 1}});
  refused(input, "bars[1].label must be 1 to 200");
  input = Rating(std::vector<BarInput>(51, BarInput{"Yes", 1}));
  refused(input, "bars must hold at most 50; it holds 51");
  input = Rating({{"Yes", 1}});
  input.min_group = 0;
  refused(input, "min_group must be between 1 and 1000");
  input = Rating({{"Yes", 1}});
  input.unit = "";
  refused(input, "unit must be");
  // A withheld count is not looked at.
  EXPECT_TRUE(RenderBarChart(Rating({{"Yes", -5, true}})).ok());
}

}  // namespace
}  // namespace events::web::console
