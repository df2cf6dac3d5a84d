#include "tests/web/qr_reader.h"

#include <array>
#include <cstddef>
#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace events::web::testing {
namespace {

// Level M, versions 1 to 40 (ISO/IEC 18004 table 9): error correction codewords per block
// and the number of blocks.
constexpr std::array<int, 40> kEccPerBlockM = {
    10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26,
    26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28};
constexpr std::array<int, 40> kBlocksM = {1,  1,  1,  2,  2,  4,  4,  4,  5,  5,  5,  8,  9,  9,
                                          10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21, 23, 25, 26,
                                          28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49};
constexpr absl::string_view kAlphanumeric = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

absl::Status Bad(absl::string_view why) { return absl::InvalidArgumentError(why); }

// The 15 format bits of a level (M 00, L 01, H 10, Q 11) and mask: BCH(15,5) with the
// generator x^10+x^8+x^5+x^4+x^2+x+1, then XOR 101010000010010.
int FormatBits(int level, int mask) {
  const int data = level << 3 | mask;
  int remainder = data << 10;
  for (int bit = 14; bit >= 10; --bit) {
    if ((remainder >> bit) & 1) remainder ^= 0x537 << (bit - 10);
  }
  return ((data << 10) | remainder) ^ 0x5412;
}

bool Masked(int mask, int row, int col) {
  switch (mask) {
    case 0:
      return (row + col) % 2 == 0;
    case 1:
      return row % 2 == 0;
    case 2:
      return col % 3 == 0;
    case 3:
      return (row + col) % 3 == 0;
    case 4:
      return (row / 2 + col / 3) % 2 == 0;
    case 5:
      return (row * col) % 2 + (row * col) % 3 == 0;
    case 6:
      return ((row * col) % 2 + (row * col) % 3) % 2 == 0;
    default:
      return ((row + col) % 2 + (row * col) % 3) % 2 == 0;
  }
}

// Centres of the alignment patterns on each axis: 6, then evenly spaced (by an even step)
// up to size - 7.
std::vector<int> AlignmentCentres(int version) {
  if (version == 1) return {};
  const int size = 17 + 4 * version;
  const int count = version / 7 + 2;
  const int step = version == 32 ? 26 : (version * 4 + count * 2 + 1) / (count * 2 - 2) * 2;
  std::vector<int> centres(count);
  centres[0] = 6;
  for (int i = count - 1, at = size - 7; i >= 1; --i, at -= step) centres[i] = at;
  return centres;
}

// Modules that hold no data: finders with separators and format information, timing,
// alignment patterns, version information.
QrGrid FunctionModules(int version) {
  const int size = 17 + 4 * version;
  QrGrid f(size, std::vector<bool>(size, false));
  const auto fill = [&f, size](int row0, int col0, int rows, int cols) {
    for (int r = row0; r < row0 + rows; ++r) {
      for (int c = col0; c < col0 + cols; ++c) {
        if (r >= 0 && c >= 0 && r < size && c < size) f[r][c] = true;
      }
    }
  };
  fill(0, 0, 9, 9);
  fill(0, size - 8, 9, 8);
  fill(size - 8, 0, 8, 9);  // with the dark module
  fill(6, 0, 1, size);
  fill(0, 6, size, 1);
  const std::vector<int> centres = AlignmentCentres(version);
  for (int a : centres) {
    for (int b : centres) {
      const bool on_finder =
          (a == 6 && b == 6) || (a == 6 && b == size - 7) || (a == size - 7 && b == 6);
      if (!on_finder) fill(a - 2, b - 2, 5, 5);
    }
  }
  if (version >= 7) {
    fill(0, size - 11, 6, 3);
    fill(size - 11, 0, 3, 6);
  }
  return f;
}

// GF(256) with x^8+x^4+x^3+x^2+1, for the Reed-Solomon check.
struct Galois {
  std::array<int, 512> exp{};
  std::array<int, 256> log{};
  Galois() {
    int x = 1;
    for (int i = 0; i < 255; ++i) {
      exp[i] = exp[i + 255] = x;
      log[x] = i;
      x <<= 1;
      if (x & 0x100) x ^= 0x11D;
    }
  }
  int Mul(int a, int b) const { return a == 0 || b == 0 ? 0 : exp[log[a] + log[b]]; }
};

// A block (data then error correction codewords) is a Reed-Solomon codeword when the
// polynomial vanishes at the generator's roots a^0 .. a^(ecc-1).
bool ReedSolomonHolds(const std::vector<int>& block, int ecc) {
  static const Galois gf;
  for (int i = 0; i < ecc; ++i) {
    int value = 0;
    for (int c : block) value = gf.Mul(value, gf.exp[i]) ^ c;
    if (value != 0) return false;
  }
  return true;
}

class BitReader {
 public:
  explicit BitReader(const std::vector<int>& bytes) : bytes_(bytes) {}
  size_t Left() const { return bytes_.size() * 8 - pos_; }
  int Read(int bits) {
    int value = 0;
    for (int i = 0; i < bits; ++i, ++pos_) {
      value = value << 1 | ((bytes_[pos_ / 8] >> (7 - pos_ % 8)) & 1);
    }
    return value;
  }

 private:
  const std::vector<int>& bytes_;
  size_t pos_ = 0;
};

absl::StatusOr<std::string> Segments(const std::vector<int>& data, int version) {
  const int group = version <= 9 ? 0 : version <= 26 ? 1 : 2;
  const int numeric_bits[] = {10, 12, 14}, alnum_bits[] = {9, 11, 13}, byte_bits[] = {8, 16, 16};
  BitReader in(data);
  std::string text;
  while (in.Left() >= 4) {
    const int mode = in.Read(4);
    if (mode == 0) break;
    const int bits = mode == 1   ? numeric_bits[group]
                     : mode == 2 ? alnum_bits[group]
                     : mode == 4 ? byte_bits[group]
                                 : -1;
    if (bits < 0) return Bad(absl::StrCat("unexpected segment mode ", mode));
    if (in.Left() < static_cast<size_t>(bits)) return Bad("a segment's count is cut off");
    int count = in.Read(bits);
    const auto need = [&in](size_t n) { return in.Left() >= n; };
    if (mode == 4) {
      if (!need(size_t{8} * static_cast<size_t>(count))) return Bad("a byte segment is cut off");
      while (count-- > 0) text += static_cast<char>(in.Read(8));
    } else if (mode == 2) {
      for (; count >= 2; count -= 2) {
        if (!need(11)) return Bad("an alphanumeric segment is cut off");
        const int pair = in.Read(11);
        if (pair >= 45 * 45) return Bad("an alphanumeric pair out of range");
        text += kAlphanumeric[pair / 45];
        text += kAlphanumeric[pair % 45];
      }
      if (count == 1) {
        if (!need(6)) return Bad("an alphanumeric segment is cut off");
        const int one = in.Read(6);
        if (one >= 45) return Bad("an alphanumeric character out of range");
        text += kAlphanumeric[one];
      }
    } else {
      for (; count > 0; count -= 3) {
        const int digits = count >= 3 ? 3 : count;
        const int width = digits == 3 ? 10 : digits == 2 ? 7 : 4;
        if (!need(width)) return Bad("a numeric segment is cut off");
        const std::string value = std::to_string(in.Read(width));
        if (value.size() > static_cast<size_t>(digits)) return Bad("a numeric group too large");
        text += std::string(digits - value.size(), '0') + value;
      }
    }
  }
  return text;
}

}  // namespace

absl::StatusOr<QrReading> ReadQrCode(const QrGrid& grid) {
  const int size = static_cast<int>(grid.size());
  if (size < 21 || size > 177 || (size - 17) % 4 != 0) return Bad("not a QR code's size");
  for (const auto& row : grid) {
    if (static_cast<int>(row.size()) != size) return Bad("the grid is not square");
  }
  QrReading reading;
  reading.version = (size - 17) / 4;
  const auto at = [&grid](int row, int col) { return grid[row][col] ? 1 : 0; };

  // Format information: both copies, each an exact codeword of level M.
  int first = 0, second = 0;
  for (int i = 0; i <= 5; ++i) first |= at(i, 8) << i;
  first |= at(7, 8) << 6 | at(8, 8) << 7 | at(8, 7) << 8;
  for (int i = 9; i < 15; ++i) first |= at(8, 14 - i) << i;
  for (int i = 0; i < 8; ++i) second |= at(8, size - 1 - i) << i;
  for (int i = 8; i < 15; ++i) second |= at(size - 15 + i, 8) << i;
  reading.mask = -1;
  for (int mask = 0; mask < 8; ++mask) {
    if (FormatBits(0, mask) == first && first == second) reading.mask = mask;
  }
  if (reading.mask < 0) return Bad("the format information is not level M, or its copies differ");

  // Codewords, two columns at a time from the right, upwards then downwards, skipping the
  // vertical timing column.
  const QrGrid function = FunctionModules(reading.version);
  std::vector<int> codewords;
  int bits = 0, byte = 0;
  for (int right = size - 1; right >= 1; right -= 2) {
    if (right == 6) right = 5;
    const bool upward = ((right + 1) & 2) == 0;
    for (int step = 0; step < size; ++step) {
      const int row = upward ? size - 1 - step : step;
      for (int col = right; col >= right - 1; --col) {
        if (function[row][col]) continue;
        byte = byte << 1 | (at(row, col) ^ (Masked(reading.mask, row, col) ? 1 : 0));
        if (++bits % 8 == 0) {
          codewords.push_back(byte);
          byte = 0;
        }
      }
    }
  }

  // Blocks: the data codewords interleaved one from each block in turn (the short blocks
  // end one sooner), then the error correction codewords likewise.
  const int blocks = kBlocksM[reading.version - 1];
  const int ecc = kEccPerBlockM[reading.version - 1];
  const int total = static_cast<int>(codewords.size());
  const int short_length = total / blocks;
  const int short_blocks = blocks - total % blocks;
  std::vector<std::vector<int>> data(blocks), check(blocks);
  size_t next = 0;
  for (int i = 0; i < short_length - ecc + 1; ++i) {
    for (int b = 0; b < blocks; ++b) {
      if (i == short_length - ecc && b < short_blocks) continue;
      data[b].push_back(codewords[next++]);
    }
  }
  for (int i = 0; i < ecc; ++i) {
    for (int b = 0; b < blocks; ++b) check[b].push_back(codewords[next++]);
  }
  std::vector<int> message;
  for (int b = 0; b < blocks; ++b) {
    std::vector<int> block = data[b];
    block.insert(block.end(), check[b].begin(), check[b].end());
    if (!ReedSolomonHolds(block, ecc)) {
      return Bad(absl::StrCat("block ", b, " fails its Reed-Solomon check"));
    }
    message.insert(message.end(), data[b].begin(), data[b].end());
  }
  absl::StatusOr<std::string> text = Segments(message, reading.version);
  if (!text.ok()) return text.status();
  reading.text = *std::move(text);
  return reading;
}

}  // namespace events::web::testing
