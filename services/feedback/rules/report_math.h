#pragma once

#include <cstdint>
#include <map>
#include <optional>

#include "events/v1/feedback.pb.h"

// The maths of feedback reports, from histograms (value -> how many gave it) rather than from
// the responses themselves. Pure; thread-safe.
namespace events::feedback {

using Histogram = std::map<int32_t, int64_t>;

// Number of values counted (zero and negative counts ignored).
int64_t CountOf(const Histogram& h);
// The arithmetic mean, or nullopt for an empty histogram.
std::optional<double> MeanOf(const Histogram& h);
// The median: the middle value, or for an even count the mean of the two middle values
// (1,2,3,4 -> 2.5). nullopt for an empty histogram.
std::optional<double> MedianOf(const Histogram& h);
// Net Promoter Score of a 0-10 histogram: promoters answered 9-10, passives 7-8, detractors
// 0-6; score = 100 * (promoters - detractors) / answers, from -100 to 100. nullopt when
// nobody answered.
std::optional<events::v1::NetPromoterScore> NpsOf(const Histogram& h);

}  // namespace events::feedback
