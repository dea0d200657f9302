// SPDX-License-Identifier: MIT
// Internal: the store's log of batches, a file of frames beside the database.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace mqtk::store::detail {

/// Design: what an acknowledgement waits for is one append to this file (one write(2), plus
/// fdatasync(2) under persistence_sync full), not an SQLite transaction, whose page writes,
/// locks and checkpoints cost several times as much; the fold moves the frames into the tables
/// in a transaction that also records the last seq it folded, and then empties the file.
/// A frame: "mqlf", payload length (u32), seq (u64), CRC-32C of the payload (u32), CRC-32C of
/// the 20 header bytes before it (u32), all little endian, then the payload. Appends never
/// overlap, so a process killed mid-append leaves a prefix of one frame, at the end: it was
/// never acknowledged, and reading cuts it off. The header's own checksum tells a length that
/// is wrong (damage) from one whose payload is not all there (a torn end).
/// Thread safety: none.
class log_file {
public:
  log_file() = default;
  ~log_file();
  log_file(const log_file&) = delete;
  log_file& operator=(const log_file&) = delete;

  /// Opens `path`, creating it with mode 0600 (and syncing its directory then); false with
  /// `why` naming it.
  bool open(const std::string& path, std::string& why);
  /// Appends one frame; with `sync`, returns once it is on the disk. On failure (disk full, an
  /// I/O error) the file is cut back to where it was, and nothing of the frame remains.
  bool append(std::int64_t seq, std::string_view payload, bool sync, std::string& why);
  /// Calls `each` for every whole frame in order (false from `each` stops, and read() returns
  /// false). A last frame cut short, or whose checksums fail, is cut off (its size in
  /// `dropped`); a frame whose checksums fail with a whole frame after it is damage: false, with
  /// `why`.
  bool read(const std::function<bool(std::int64_t, std::string_view)>& each, std::size_t& dropped,
            std::string& why);
  /// Empties the file, once the tables hold what it did.
  bool clear(std::string& why);
  std::size_t size() const noexcept { return end_; }
  const std::string& path() const noexcept { return path_; }

  static constexpr std::size_t header_size = 24;

private:
  bool fail(const char* what, std::string& why) const;
  bool damaged(std::size_t at, std::string& why) const;
  int fd_ = -1;
  std::size_t end_ = 0; // where the next frame goes
  std::string path_;
  std::string frame_; // append()'s buffer, kept for its capacity
};

/// CRC-32C (Castagnoli) of `bytes`, continuing from `crc` (0 to start).
std::uint32_t crc32c(std::string_view bytes, std::uint32_t crc = 0) noexcept;

} // namespace mqtk::store::detail
