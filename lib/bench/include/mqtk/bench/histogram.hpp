// SPDX-License-Identifier: MIT
// A log-linear histogram of latencies in nanoseconds: exact below 128, then 128 linear
// sub-buckets per power of two, so any reported value is within 0.4% of a recorded one.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace mqtk::bench {

class histogram {
public:
  histogram();
  void record(std::uint64_t value, std::uint64_t count = 1) noexcept;
  /// Adds `other`'s counts (per-thread histograms merge into one at the end).
  void merge(const histogram& other) noexcept;
  void reset() noexcept;

  std::uint64_t count() const noexcept { return count_; }
  std::uint64_t min() const noexcept { return count_ ? min_ : 0; }
  std::uint64_t max() const noexcept { return max_; }
  double mean() const noexcept;
  /// The value at quantile q in [0, 1] (0.99 for p99): the middle of the bucket that holds it,
  /// kept within [min, max]. 0 when empty.
  std::uint64_t percentile(double q) const noexcept;

  long double sum() const noexcept { return sum_; }

  /// A non-empty bucket: what a saved run keeps of a histogram (ascending by index).
  struct bucket {
    std::uint32_t index = 0;
    std::uint64_t count = 0;
  };
  std::vector<bucket> buckets() const;
  /// A histogram back from buckets() with its min, max and sum; nullopt when they cannot come
  /// from one (an index out of range, min above max), so a damaged file is refused, not guessed.
  static std::optional<histogram> restore(const std::vector<bucket>& buckets, std::uint64_t min,
                                          std::uint64_t max, long double sum);

  static constexpr unsigned sub_bits = 7;
  static constexpr std::uint64_t sub_buckets = 1u << sub_bits;
  static constexpr std::size_t bucket_total = sub_buckets * (64 - sub_bits + 1);
  static std::size_t index_of(std::uint64_t value) noexcept;
  static std::uint64_t lowest_of(std::size_t index) noexcept;
  static std::uint64_t width_of(std::size_t index) noexcept;

private:
  std::vector<std::uint64_t> counts_;
  std::uint64_t count_ = 0;
  std::uint64_t min_ = ~std::uint64_t{0};
  std::uint64_t max_ = 0;
  long double sum_ = 0;
};

/// The sum of two bucket lists (each ascending), ascending: two seconds' histograms as one.
std::vector<histogram::bucket> merge_buckets(const std::vector<histogram::bucket>& a,
                                             const std::vector<histogram::bucket>& b);

} // namespace mqtk::bench
