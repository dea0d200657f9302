// SPDX-License-Identifier: MIT
// The store's log file: frames appended, read back, and emptied after a fold.
#include "log_file.hpp"

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace mqtk::store::detail {
namespace {

constexpr std::array<std::uint32_t, 256> crc_table = [] {
  std::array<std::uint32_t, 256> t{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t c = i;
    for (int k = 0; k < 8; ++k)
      c = (c & 1) != 0 ? (c >> 1) ^ 0x82F63B78u : c >> 1; // Castagnoli, reflected
    t[i] = c;
  }
  return t;
}();

void put_le(std::string& out, std::uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i)
    out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

std::uint64_t get_le(const char* p, int bytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i)
    v |= std::uint64_t{static_cast<unsigned char>(p[i])} << (8 * i);
  return v;
}

constexpr std::string_view magic = "mqlf";

// Whether a whole header starts at `at`: the magic, and its own checksum over the rest.
bool header_at(std::string_view all, std::size_t at) {
  if (all.size() - at < log_file::header_size || all.substr(at, 4) != magic) return false;
  return get_le(all.data() + at + 20, 4) == crc32c(all.substr(at, 20));
}

} // namespace

std::uint32_t crc32c(std::string_view bytes, std::uint32_t crc) noexcept {
  crc = ~crc;
  for (const char b : bytes)
    crc = crc_table[(crc ^ static_cast<unsigned char>(b)) & 0xFF] ^ (crc >> 8);
  return ~crc;
}

log_file::~log_file() {
  if (fd_ >= 0) ::close(fd_);
}

bool log_file::fail(const char* what, std::string& why) const {
  why = path_ + ": " + what + ": " + std::strerror(errno);
  return false;
}

bool log_file::open(const std::string& path, std::string& why) {
  path_ = path;
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  const bool made = fd_ >= 0;
  if (!made && errno == EEXIST) fd_ = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  struct stat st {};
  if (fd_ < 0 || ::fstat(fd_, &st) != 0) return fail("cannot open", why);
  end_ = static_cast<std::size_t>(st.st_size);
  // A new file's name is on the disk once its directory is synced: without it a power loss
  // could take the file, frames and all, that fdatasync had made safe.
  if (made) {
    const auto slash = path.rfind('/');
    const auto dir = slash == std::string::npos ? std::string(".") : path.substr(0, slash + 1);
    const int d = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    const bool synced = d >= 0 && ::fsync(d) == 0;
    if (d >= 0) ::close(d);
    if (!synced) return fail("cannot sync its directory", why);
  }
  return true;
}

bool log_file::append(std::int64_t seq, std::string_view payload, bool sync, std::string& why) {
  if (payload.size() > UINT32_MAX) { // the length field's bound: refused, not written
    errno = EFBIG;
    return fail("cannot write a batch this large", why);
  }
  frame_.clear();
  frame_.append(magic);
  put_le(frame_, payload.size(), 4);
  put_le(frame_, static_cast<std::uint64_t>(seq), 8);
  put_le(frame_, crc32c(payload), 4);
  put_le(frame_, crc32c(frame_), 4);
  frame_.append(payload);
  std::size_t done = 0;
  while (done < frame_.size()) {
    const auto n =
        ::pwrite(fd_, frame_.data() + done, frame_.size() - done, static_cast<off_t>(end_ + done));
    if (n > 0) {
      done += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n == 0) errno = ENOSPC;
    const int e = errno;
    if (::ftruncate(fd_, static_cast<off_t>(end_)) != 0) {
    } // the reader drops a torn frame too
    errno = e;
    return fail("cannot write", why);
  }
  if (sync && ::fdatasync(fd_) != 0) {
    const int e = errno;
    if (::ftruncate(fd_, static_cast<off_t>(end_)) != 0) {
    }
    errno = e;
    return fail("cannot sync", why);
  }
  end_ += frame_.size();
  return true;
}

bool log_file::read(const std::function<bool(std::int64_t, std::string_view)>& each,
                    std::size_t& dropped, std::string& why) {
  dropped = 0;
  std::string all(end_, '\0');
  std::size_t got = 0;
  while (got < all.size()) {
    const auto n = ::pread(fd_, all.data() + got, all.size() - got, static_cast<off_t>(got));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail("cannot read", why);
    if (n == 0) break; // shorter than it was: what is there is the log
    got += static_cast<std::size_t>(n);
  }
  const std::string_view log(all.data(), got);
  std::size_t at = 0;
  while (at + header_size <= got) {
    if (!header_at(log, at)) {
      // A kill mid-write leaves a prefix of a frame, so its header is whole or short, never
      // wrong: a wrong one is a power loss's garbage at the end, or damage if a whole frame
      // follows somewhere after it.
      for (auto p = log.find(magic, at + 1); p != std::string_view::npos;
           p = log.find(magic, p + 1))
        if (header_at(log, p)) return damaged(at, why);
      break;
    }
    const auto length = static_cast<std::size_t>(get_le(all.data() + at + 4, 4));
    if (length > got - at - header_size) break; // cut short: the end
    const std::string_view payload(all.data() + at + header_size, length);
    if (get_le(all.data() + at + 16, 4) != crc32c(payload)) {
      // The last frame may be one a power loss left half on the disk (persistence_sync
      // normal); one with frames after it was whole once: that is damage, not a torn end.
      if (at + header_size + length == got) break;
      return damaged(at, why);
    }
    if (!each(static_cast<std::int64_t>(get_le(all.data() + at + 8, 8)), payload)) return false;
    at += header_size + length;
  }
  if (at < end_) {
    dropped = end_ - at;
    if (::ftruncate(fd_, static_cast<off_t>(at)) != 0) return fail("cannot cut a torn end", why);
    end_ = at;
  }
  return true;
}

bool log_file::damaged(std::size_t at, std::string& why) const {
  why = path_ + ": damaged: the frame at byte " + std::to_string(at) +
        " fails its checksum, and whole frames follow; mqtk-broker will not start over it: move "
        "the database and its -wal and -log files aside to start empty";
  return false;
}

bool log_file::clear(std::string& why) {
  if (end_ == 0) return true;
  if (::ftruncate(fd_, 0) != 0) return fail("cannot empty", why);
  end_ = 0;
  return true;
}

} // namespace mqtk::store::detail
