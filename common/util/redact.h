#pragma once

#include <string>

#include "absl/strings/string_view.h"

// Taking contact details out of text that others will read: feedback free text and comments
// (stored redacted) and speakers' bios in the public view of an event. One mechanism, so
// that both say the same thing and catch the same shapes.
namespace events {

// What replaces a redacted e-mail address or phone number.
inline constexpr absl::string_view kEmailRedacted = "[email removed]";
inline constexpr absl::string_view kPhoneRedacted = "[phone removed]";

// `text` with e-mail addresses and phone numbers replaced by kEmailRedacted and
// kPhoneRedacted, and everything else as written (byte for byte).
//
// The text is matched in a folded form: fullwidth forms (U+FF01-U+FF5E) read as their
// ASCII letters, digits and signs; spaces of any script other than line breaks (no-break,
// figure, thin, narrow no-break, ideographic...) read as a space; Unicode hyphens, dashes
// and the minus sign read as '-'; the small '@' and '.' and the fraction and division
// slashes read as '@', '.' and '/'; invisible characters (zero-width spaces and joiners,
// soft hyphens) are not there at all. What is replaced is the original span.
//
// An e-mail address is LOCAL AT DOMAIN:
// - AT is '@' (spaces around it allowed), "at" between brackets ("(at)", "[at]", "{at}",
//   "<at>", any case, spaces allowed), or the word "at" in any case with spaces around it;
// - DOMAIN is labels joined by '.', or by a spelled-out dot: "dot" between brackets or the
//   word "dot" with spaces around it. It ends in a top-level part of two or more letters;
//   when what follows does not ("jo@example.org-07700900123", "jo@example.org..x"), the
//   longest domain that ends at a dot or hyphen before it is taken;
// - LOCAL is the characters of an address's local part (letters of any script, digits,
//   . _ % + -), several such words joined by a spelled-out dot allowed ("jo dot lee");
// - the plain word "at" makes an address only with a spelled-out dot in the domain and a
//   letter in its first label (not a determiner such as "the", "a" or "my"): "jo at
//   example dot org" is an address, "worked at a dot com startup", "see us at
//   example.org", "we met at the library" and "scored at 10 dot points" are prose.
// A phone number is any run of 9 or more digits, not part of a longer word, optionally
// starting with '+' or '(', whose digit groups are separated by spaces, brackets, or one
// '-', '.' or '/' with spaces around it allowed; at most one '/' in a number, so dates such
// as 10/03/2026 (and ranges of them) stay. A last group that begins a word ("3pm", "2nd")
// is not part of the number: "07946095812 3pm" loses the number and keeps "3pm". There is
// no upper limit: two numbers side by side are redacted together. Dates, times, prices and
// short numbers stay.
//
// The text is UTF-8: both callers check it (CheckText) first. Bytes that are not UTF-8 are
// kept as written and may hide an address written next to them ("jo@example.org." followed
// by a stray byte; found by fuzz/fuzz_redact).
// Linear in the length of the text, whatever it holds. Pure; thread-safe.
std::string RedactContacts(absl::string_view text);

}  // namespace events
