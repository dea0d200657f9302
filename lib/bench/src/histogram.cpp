// SPDX-License-Identifier: MIT
// Log-linear bucketing: the top 8 significant bits of a value pick its bucket.
#include "mqtk/bench/histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace mqtk::bench {

histogram::histogram() : counts_(bucket_total, 0) {}

std::size_t histogram::index_of(std::uint64_t v) noexcept {
  if (v < sub_buckets) return static_cast<std::size_t>(v);
  const unsigned msb = 63u - static_cast<unsigned>(std::countl_zero(v));
  const unsigned shift = msb - sub_bits; // v >> shift is in [128, 255]
  const auto mantissa = (v >> shift) - sub_buckets;
  return static_cast<std::size_t>(sub_buckets * (shift + 1) + mantissa);
}

std::uint64_t histogram::lowest_of(std::size_t index) noexcept {
  if (index < sub_buckets) return index;
  const auto shift = index / sub_buckets - 1;
  const auto mantissa = index % sub_buckets + sub_buckets;
  return static_cast<std::uint64_t>(mantissa) << shift;
}

std::uint64_t histogram::width_of(std::size_t index) noexcept {
  return index < sub_buckets ? 1 : std::uint64_t{1} << (index / sub_buckets - 1);
}

void histogram::record(std::uint64_t value, std::uint64_t n) noexcept {
  counts_[index_of(value)] += n;
  count_ += n;
  min_ = std::min(min_, value);
  max_ = std::max(max_, value);
  sum_ += static_cast<long double>(value) * static_cast<long double>(n);
}

void histogram::merge(const histogram& other) noexcept {
  for (std::size_t i = 0; i < counts_.size(); ++i)
    counts_[i] += other.counts_[i];
  count_ += other.count_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
  sum_ += other.sum_;
}

void histogram::reset() noexcept {
  std::fill(counts_.begin(), counts_.end(), 0);
  count_ = 0;
  min_ = ~std::uint64_t{0};
  max_ = 0;
  sum_ = 0;
}

std::vector<histogram::bucket> histogram::buckets() const {
  std::vector<bucket> out;
  for (std::size_t i = 0; i < counts_.size(); ++i)
    if (counts_[i] != 0) out.push_back({static_cast<std::uint32_t>(i), counts_[i]});
  return out;
}

std::optional<histogram> histogram::restore(const std::vector<bucket>& buckets, std::uint64_t min,
                                            std::uint64_t max, long double sum) {
  histogram h;
  for (const auto& b : buckets) {
    if (b.index >= h.counts_.size() || b.count == 0) return std::nullopt;
    h.counts_[b.index] += b.count;
    h.count_ += b.count;
  }
  if (h.count_ == 0) return h;
  if (min > max || index_of(min) > buckets.front().index || index_of(max) < buckets.back().index)
    return std::nullopt;
  h.min_ = min;
  h.max_ = max;
  h.sum_ = sum;
  return h;
}

std::vector<histogram::bucket> merge_buckets(const std::vector<histogram::bucket>& a,
                                             const std::vector<histogram::bucket>& b) {
  std::vector<histogram::bucket> out;
  out.reserve(a.size() + b.size());
  std::size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    if (j == b.size() || (i < a.size() && a[i].index < b[j].index))
      out.push_back(a[i++]);
    else if (i == a.size() || b[j].index < a[i].index)
      out.push_back(b[j++]);
    else
      out.push_back({a[i].index, a[i++].count + b[j++].count});
  }
  return out;
}

double histogram::mean() const noexcept {
  return count_ ? static_cast<double>(sum_ / static_cast<long double>(count_)) : 0.0;
}

std::uint64_t histogram::percentile(double q) const noexcept {
  if (count_ == 0) return 0;
  q = std::clamp(q, 0.0, 1.0);
  // The rank of the value asked for, 1-based: p100 is the largest, p0 the smallest.
  const auto rank = std::max<std::uint64_t>(
      1, static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(count_))));
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    seen += counts_[i];
    if (seen >= rank) {
      const auto middle = lowest_of(i) + (width_of(i) - 1) / 2;
      return std::clamp(middle, min(), max_);
    }
  }
  return max_;
}

} // namespace mqtk::bench
