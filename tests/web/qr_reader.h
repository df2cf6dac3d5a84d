#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"

// A small QR code reader for tests, written from ISO/IEC 18004: it reads a clean module grid
// (no image processing) the way a scanner does once it has found the symbol: the format
// information, the unmasking, the codewords in their zigzag order, the blocks with their
// Reed-Solomon check, and the numeric, alphanumeric and byte segments. It knows error
// correction level M only (what the console draws) and corrects nothing: any damaged
// codeword is an error.
namespace events::web::testing {

using QrGrid = std::vector<std::vector<bool>>;  // [row][column], true for dark, no quiet zone

struct QrReading {
  int version = 0;
  int mask = 0;
  std::string text;
};

// What the symbol says, or INVALID_ARGUMENT saying which step failed.
absl::StatusOr<QrReading> ReadQrCode(const QrGrid& grid);

}  // namespace events::web::testing
