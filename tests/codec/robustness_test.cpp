// SPDX-License-Identifier: MIT
// Random, truncated and mutated inputs never crash or hang the decoder, and it never allocates
// more than the maximum packet size for one of them.
#include "check.hpp"

#include <atomic>
#include <cstdlib>
#include <new>

#include "random_packets.hpp"

// Design: replacing the global allocator in this test executable records the largest single
// allocation, which is how "never allocates more than the maximum packet size" is observed.
// AddressSanitizer owns the allocator in the asan preset, so there the bound is checked by the dev
// build only and ASan watches the memory itself.
namespace {
std::atomic<std::size_t> largest_allocation{0};
#if defined(__SANITIZE_ADDRESS__)
constexpr bool tracking = false;
#else
constexpr bool tracking = true;
void note(std::size_t n) {
  auto cur = largest_allocation.load(std::memory_order_relaxed);
  while (n > cur && !largest_allocation.compare_exchange_weak(cur, n)) {
  }
}
#endif
} // namespace

#if !defined(__SANITIZE_ADDRESS__)
void* operator new(std::size_t n) {
  note(n);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}
#endif

using namespace mqtk;
using namespace mqtk::codec;

namespace {

constexpr std::uint32_t max_size = 4096;

buffer mutate(std::mt19937_64& rng, buffer b) {
  auto pick = [&](std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng);
  };
  const auto edits = 1 + pick(4);
  for (std::size_t e = 0; e < edits; ++e) {
    switch (pick(6)) {
    case 0:
      if (!b.empty()) b[pick(b.size())] = static_cast<std::uint8_t>(pick(256));
      break;
    case 1:
      if (!b.empty()) b[pick(b.size())] ^= static_cast<std::uint8_t>(1u << pick(8));
      break;
    case 2:
      if (!b.empty()) b.resize(pick(b.size()));
      break; // truncate
    case 3:
      b.insert(b.begin() + static_cast<std::ptrdiff_t>(pick(b.size() + 1)),
               static_cast<std::uint8_t>(pick(256)));
      break;
    case 4:
      if (!b.empty()) b.erase(b.begin() + static_cast<std::ptrdiff_t>(pick(b.size())));
      break;
    default:
      if (b.size() > 1) b[1] = static_cast<std::uint8_t>(pick(256));
      break; // remaining length
    }
  }
  return b;
}

buffer random_bytes(std::mt19937_64& rng) {
  buffer b(std::uniform_int_distribution<std::size_t>(0, 64)(rng));
  for (auto& x : b)
    x = static_cast<std::uint8_t>(rng());
  return b;
}

// Feeds one input whole and in random chunks; both must end (packet, need-more or error).
void exercise(std::mt19937_64& rng, const buffer& in, protocol_version v) {
  (void)decode(in, v);
  stream_decoder sd(v, max_size);
  std::size_t pos = 0;
  while (pos < in.size()) {
    const auto n =
        std::min(in.size() - pos, 1 + std::uniform_int_distribution<std::size_t>(0, 40)(rng));
    sd.feed(byte_view(in).subspan(pos, n));
    pos += n;
    for (int guard = 0;; ++guard) {
      REQUIRE(guard <= static_cast<int>(in.size()) + 1); // no packet from nothing: no hang
      auto r = sd.next();
      if (!r) return;
      if (!*r) break;
    }
  }
}

void run(std::size_t count, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  largest_allocation = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const auto v = i % 2 ? protocol_version::v5 : protocol_version::v311;
    buffer in;
    if (i % 5 == 0) {
      in = random_bytes(rng);
    } else {
      buffer valid;
      if (!encode(testing::random_packet(rng, v), v, valid) || valid.size() > max_size) continue;
      in = mutate(rng, std::move(valid));
    }
    const auto before = largest_allocation.exchange(0);
    exercise(rng, in, v);
    const auto peak = largest_allocation.load();
    // The decoder allocates the packet it builds and its tail buffer, both in proportion to the
    // input it was given (a list of 4-byte filters becomes 40-byte structs), never to a length
    // that a header merely announces. Inputs here are at most max_size bytes.
    if (tracking) REQUIRE(peak <= 16 * std::max<std::size_t>(in.size(), 64));
    largest_allocation = std::max(before, peak);
  }
}

} // namespace

TEST_CASE("a header announcing 268 MB allocates only for the bytes that arrived", "[robustness]") {
  stream_decoder sd(protocol_version::v5); // maximum packet size: the protocol's limit
  const auto bytes = testing::hex("30 ff ff ff 7f 00 01 74 01 02 03 04 05");
  largest_allocation = 0;
  sd.feed(bytes);
  CHECK_FALSE(sd.next().value().has_value());
  if (tracking) CHECK(largest_allocation.load() <= 64);
  // More bytes arrive: the buffer grows with them.
  const buffer more(10'000, 0x41);
  sd.feed(more);
  CHECK_FALSE(sd.next().value().has_value());
  if (tracking) CHECK(largest_allocation.load() <= 2 * (more.size() + bytes.size()));
}

TEST_CASE("50,000 random, truncated and mutated inputs", "[robustness]") {
  run(50'000, 11);
}

TEST_CASE("1,000,000 random, truncated and mutated inputs", "[.][long]") {
  run(1'000'000, 12);
}
