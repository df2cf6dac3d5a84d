#include "common/util/redact.h"

#include <algorithm>
#include <cstddef>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/util/folded_text.h"

namespace events {
namespace {

constexpr size_t kNpos = absl::string_view::npos;
constexpr int kMinPhoneDigits = 9;
// At most this many words joined by spelled-out dots on each side of an address (a domain
// spelled out in more is not taken for one; a longer local part loses only its last words).
// Real addresses have far fewer; the bound means each character is looked at for a bounded
// number of candidate addresses, so the whole pass stays linear on hostile text.
constexpr int kMaxSpelledParts = 8;

struct Span {
  size_t first;
  size_t last;
};

enum class AtKind { kSymbol, kBracketed, kWord };

// Finds addresses and phone numbers in a FoldedText. Positions are unit indexes.
class Matcher {
 public:
  explicit Matcher(const FoldedText& f) : f_(f), n_(f.size()) {}

  // The address whose LOCAL part ends at i (the unit after it), not reaching back before
  // `floor` (what is already replaced), or nullopt.
  std::optional<Span> EmailEndingLocalAt(size_t i, size_t floor) const {
    if (i <= floor || i >= n_ || !IsLocal(i - 1) || IsLocal(i)) return std::nullopt;
    AtKind kind;
    const size_t domain = AtMarkerEnd(i, &kind);
    if (domain == kNpos) return std::nullopt;
    const size_t end = DomainEnd(domain, kind);
    if (end == kNpos) return std::nullopt;
    return Span{LocalStart(i, floor), end};
  }

  // The end of the phone number starting at i, or nullopt; on failure *retry_from is the
  // first unit where a number could start that this scan has not already ruled out.
  std::optional<size_t> PhoneEnd(size_t i, size_t* retry_from) const {
    size_t j = i;
    if (At(j) == '+') ++j;
    if (At(j) == '(') ++j;
    int digits = 0;
    size_t last_digit_end = kNpos;
    size_t first_slash = kNpos;
    // The end of the longest run of whole groups that is a number by itself, for when a
    // later group turns out to be the start of a word ("07946095812 3pm").
    size_t number_end = kNpos;
    while (j < n_) {
      if (IsDigit(j)) {
        ++digits;
        last_digit_end = ++j;
        continue;
      }
      if (last_digit_end != j) break;
      if (digits >= kMinPhoneDigits && !IsWord(j)) number_end = j;
      size_t slash = kNpos;
      const size_t next = SeparatorEnd(j, &slash);
      if (next == j) break;
      if (slash != kNpos) {
        if (first_slash != kNpos) break;  // a second '/': a date, not a phone number
        first_slash = slash;
      }
      j = next;
    }
    if (last_digit_end != kNpos && digits >= kMinPhoneDigits &&
        !(last_digit_end < n_ && IsWord(last_digit_end))) {
      return last_digit_end;
    }
    // The units after number_end are scanned again from there; that scan fails at the same
    // unit, so each unit is still read a bounded number of times.
    if (number_end != kNpos) return number_end;
    // A start before the first '/' reads the same groups up to the same end, with no more
    // digits: it fails too. Skipping it keeps long runs of short groups linear.
    *retry_from = first_slash != kNpos ? first_slash + 1 : std::max(j, i + 1);
    return std::nullopt;
  }

  bool CanStartPhone(size_t i) const {
    return (i == 0 || !IsWord(i - 1)) && (IsDigit(i) || f_[i] == '+' || f_[i] == '(');
  }

 private:
  char At(size_t k) const { return k < n_ ? f_[k] : '\0'; }
  bool IsDigit(size_t k) const { return absl::ascii_isdigit(At(k)); }
  bool IsRaw(size_t k) const { return static_cast<unsigned char>(At(k)) >= 0x80; }
  bool IsLetter(size_t k) const { return absl::ascii_isalpha(At(k)) || IsRaw(k); }
  bool IsAlnum(size_t k) const { return absl::ascii_isalnum(At(k)) || IsRaw(k); }
  // A letter, digit or '_' of a word; a unit of a character beyond ASCII (a letter such as
  // 'Σ' or 'é') counts, as it does for addresses, so digits glued to such a word are no
  // phone number: redacting them would leave the word's letters next to the placeholder,
  // where a second pass could read an address ending there.
  bool IsWord(size_t k) const { return IsAlnum(k) || At(k) == '_'; }
  bool IsBlank(size_t k) const { return At(k) == ' '; }
  // An ASCII hyphen; a dash read as '-' separates digits but is no part of a name.
  bool IsHyphen(size_t k) const { return At(k) == '-' && !f_.IsFolded(k); }
  bool IsLocal(size_t k) const {
    const char c = At(k);
    return IsAlnum(k) || c == '.' || c == '_' || c == '%' || c == '+' || IsHyphen(k);
  }
  bool IsDomainChar(size_t k) const { return IsAlnum(k) || At(k) == '.' || IsHyphen(k); }

  size_t SkipBlanks(size_t k) const {
    while (IsBlank(k)) ++k;
    return k;
  }
  size_t SkipBlanksBack(size_t k, size_t floor) const {
    while (k > floor && IsBlank(k - 1)) --k;
    return k;
  }
  // True when units [k, k + word.size()) spell `word` in any case.
  bool Spells(size_t k, absl::string_view word) const {
    if (k + word.size() > n_) return false;
    for (size_t m = 0; m < word.size(); ++m) {
      if (absl::ascii_tolower(static_cast<unsigned char>(f_[k + m])) != word[m]) return false;
    }
    return true;
  }

  // True when units [first, last) are a word such as "the" or "my", which comes before a
  // name rather than being one.
  bool IsDeterminer(size_t first, size_t last) const {
    static constexpr absl::string_view kDeterminers[] = {"a",     "an",    "the",   "this", "that",
                                                         "these", "those", "my",    "our",  "your",
                                                         "his",   "her",   "their", "its"};
    for (absl::string_view word : kDeterminers) {
      if (last - first == word.size() && Spells(first, word)) return true;
    }
    return false;
  }

  // The end of "(word)", "[word]", "{word}" or "<word>" (or the same around `symbol`) at k,
  // spaces allowed inside, or npos.
  size_t BracketedEnd(size_t k, absl::string_view word, char symbol) const {
    static constexpr absl::string_view kOpen = "([{<";
    static constexpr absl::string_view kClose = ")]}>";
    const size_t which = kOpen.find(At(k));
    if (which == kNpos || At(k) == '\0') return kNpos;
    size_t m = SkipBlanks(k + 1);
    if (Spells(m, word)) {
      m += word.size();
    } else if (At(m) == symbol) {
      ++m;
    } else {
      return kNpos;
    }
    m = SkipBlanks(m);
    return At(m) == kClose[which] ? m + 1 : kNpos;
  }

  // The end of the plain word `word` at k when spaces come before (k > from) and after it.
  size_t SpacedWordEnd(size_t from, size_t k, absl::string_view word) const {
    if (k == from || !Spells(k, word) || !IsBlank(k + word.size())) return kNpos;
    return k + word.size();
  }

  // Where the domain starts after an AT marker at i, or npos.
  size_t AtMarkerEnd(size_t i, AtKind* kind) const {
    const size_t j = SkipBlanks(i);
    size_t k;
    if (At(j) == '@') {
      k = j + 1;
      *kind = AtKind::kSymbol;
    } else if (k = BracketedEnd(j, "at", '@'); k != kNpos) {
      *kind = AtKind::kBracketed;
    } else if (k = SpacedWordEnd(i, j, "at"); k != kNpos) {
      *kind = AtKind::kWord;
    } else {
      return kNpos;
    }
    k = SkipBlanks(k);
    return IsAlnum(k) ? k : kNpos;
  }

  // After a domain word ending at r: the start of the next word when a spelled-out dot
  // joins them, or npos.
  size_t SpelledDotAfter(size_t r) const {
    const size_t j = SkipBlanks(r);
    size_t k = BracketedEnd(j, "dot", '.');
    if (k == kNpos) k = SpacedWordEnd(r, j, "dot");
    if (k == kNpos) return kNpos;
    k = SkipBlanks(k);
    return IsAlnum(k) ? k : kNpos;
  }

  // Before a local word starting at b: the end of the previous word when a spelled-out dot
  // joins them, or npos. Mirrors SpelledDotAfter.
  size_t SpelledDotBefore(size_t b, size_t floor) const {
    static constexpr absl::string_view kOpen = "([{<";
    static constexpr absl::string_view kClose = ")]}>";
    size_t j = SkipBlanksBack(b, floor);
    if (j == floor) return kNpos;
    size_t k = kNpos;
    if (const size_t which = kClose.find(At(j - 1)); which != kNpos && At(j - 1) != '\0') {
      size_t m = SkipBlanksBack(j - 1, floor);
      if (m >= floor + 3 && Spells(m - 3, "dot")) {
        m -= 3;
      } else if (m > floor && At(m - 1) == '.') {
        --m;
      } else {
        return kNpos;
      }
      m = SkipBlanksBack(m, floor);
      if (m == floor || At(m - 1) != kOpen[which]) return kNpos;
      k = m - 1;
    } else if (j < b && j >= floor + 4 && Spells(j - 3, "dot") && IsBlank(j - 4)) {
      k = j - 3;
    } else {
      return kNpos;
    }
    k = SkipBlanksBack(k, floor);
    return k > floor && IsAlnum(k - 1) ? k : kNpos;
  }

  // The end of the domain starting at d, or npos when it is not one: words of domain
  // characters joined by spelled-out dots, ending in a top-level part of two or more letters.
  // When the run as a whole is no domain ("jo@example.org..x", "jo@lee.ee.-.e",
  // "jo@lee.ejo dot l", "jo@lee.ee-0770090012"), a shorter one may end inside it: the
  // longest that has a dot and ends in a top-level part, at the end of an earlier word or
  // at a dot or hyphen within a word. Each candidate looks back over the letters of one
  // label only, so the pass stays linear.
  size_t DomainEnd(size_t d, AtKind kind) const {
    bool has_dot = false;
    bool spelled = false;
    size_t word = d;
    size_t end = d;
    size_t first_word_end = kNpos;
    size_t best = kNpos;        // the end of the longest domain found so far
    bool best_spelled = false;  // whether that domain takes in a spelled-out dot
    for (int parts = 1;; ++parts) {
      end = word;
      while (IsDomainChar(end)) ++end;
      // A sentence may end right after the address.
      while (end > word && (At(end - 1) == '.' || At(end - 1) == '-')) --end;
      if (first_word_end == kNpos) first_word_end = end;
      // A domain may end at a dot or an ASCII hyphen within this word, when a dot comes
      // before it ("jo@example.org-07700900123": what follows the hyphen is no label of a
      // top-level part, and the phone pass replaces it; deciding the address only after
      // that would make a second redaction change the text)...
      for (size_t k = word; k < end; ++k) {
        const bool dot = At(k) == '.';
        if (!dot && !IsHyphen(k)) continue;
        if ((has_dot || spelled) && EndsInTopLevelPart(word, k)) {
          best = k;
          best_spelled = spelled;
        }
        has_dot = has_dot || dot;
      }
      // ...or at its end.
      if ((has_dot || spelled) && EndsInTopLevelPart(word, end)) {
        best = end;
        best_spelled = spelled;
      }
      const size_t next = SpelledDotAfter(end);
      if (next == kNpos) break;
      if (parts == kMaxSpelledParts) return kNpos;  // no real domain is spelled out this long
      spelled = true;
      word = next;
    }
    if (best == kNpos) return kNpos;
    end = best;
    if (kind == AtKind::kWord) {
      // "at" is an ordinary word: only "X at Y dot Z" with a name-like Y is an address, and
      // "worked at a dot com" is prose.
      if (!best_spelled || IsDeterminer(d, first_word_end)) return kNpos;
      bool letter = false;
      for (size_t k = d; k < first_word_end && At(k) != '.' && !letter; ++k) {
        letter = IsLetter(k);
      }
      if (!letter) return kNpos;
    }
    return end;
  }

  // True when units [word, end) end in a top-level part: two or more letters after the
  // last '.' (or making up the whole word, after a spelled-out dot). It reads back over
  // letters only, so the candidates of one word (each dot and hyphen) read each unit once.
  bool EndsInTopLevelPart(size_t word, size_t end) const {
    size_t tld = end;
    while (tld > word && IsLetter(tld - 1)) --tld;
    return end - tld >= 2 && (tld == word || At(tld - 1) == '.');
  }

  // The start of the local part ending at i (non-empty), not before floor.
  size_t LocalStart(size_t i, size_t floor) const {
    size_t start = i;
    while (start > floor && IsLocal(start - 1)) --start;
    for (int parts = 1; parts < kMaxSpelledParts; ++parts) {
      const size_t prev_end = SpelledDotBefore(start, floor);
      if (prev_end == kNpos) break;
      size_t prev = prev_end;
      while (prev > floor && IsLocal(prev - 1)) --prev;
      start = prev;
    }
    return start;
  }

  // The end of the separator between two digit groups starting at j (at most two blanks,
  // two brackets and one '-', '.' or '/'), or j when there is none. It must lead to a digit.
  // *slash is where its '/' is, if it has one.
  size_t SeparatorEnd(size_t j, size_t* slash) const {
    size_t k = j;
    int marks = 0;
    int brackets = 0;
    int blanks = 0;
    while (k < n_) {
      const char c = f_[k];
      if (c == ' ') {
        if (++blanks > 2) return j;
      } else if (c == '-' || c == '.' || c == '/') {
        if (++marks > 1) return j;
        if (c == '/') *slash = k;
      } else if (c == '(' || c == ')') {
        if (++brackets > 2) return j;
      } else {
        break;
      }
      ++k;
    }
    return IsDigit(k) ? k : j;
  }

  const FoldedText& f_;
  const size_t n_;
};

}  // namespace

std::string RedactContacts(absl::string_view text) {
  const FoldedText f(text);
  const Matcher matcher(f);
  std::string out;
  out.reserve(text.size());
  size_t copied = 0;  // units before this are in `out`
  auto replace = [&](Span span, absl::string_view with) {
    absl::StrAppend(&out, f.Original(copied, span.first), with);
    copied = span.last;
  };
  size_t phone_retry_from = 0;
  size_t i = 0;
  while (i < f.size()) {
    if (std::optional<Span> email = matcher.EmailEndingLocalAt(i, copied)) {
      // In "me at jo dot lee at example dot org" the first "domain" is the local part of the
      // next address: take both.
      while (std::optional<Span> next = matcher.EmailEndingLocalAt(email->last, email->first)) {
        email->last = next->last;
      }
      replace(*email, kEmailRedacted);
      i = email->last;
      continue;
    }
    if (i >= phone_retry_from && matcher.CanStartPhone(i)) {
      if (std::optional<size_t> end = matcher.PhoneEnd(i, &phone_retry_from)) {
        // Digits right before an '@' are an address's local part ("0770090012@x.org").
        std::optional<Span> email = matcher.EmailEndingLocalAt(*end, copied);
        if (email.has_value() && email->first <= i) {
          replace(*email, kEmailRedacted);
        } else {
          replace(Span{i, *end}, kPhoneRedacted);
        }
        i = copied;
        continue;
      }
    }
    ++i;
  }
  absl::StrAppend(&out, f.Original(copied, f.size()));
  return out;
}

}  // namespace events
