// SPDX-License-Identifier: MIT
// The latency histogram: bucket boundaries, the error bound against exact percentiles of
// random samples, and merging.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <random>

#include "mqtk/bench/histogram.hpp"

using mqtk::bench::histogram;

TEST_CASE("values below 128 have buckets of their own, above, 128 per power of two",
          "[histogram]") {
  for (std::uint64_t v = 0; v < 128; ++v) {
    CHECK(histogram::index_of(v) == v);
    CHECK(histogram::width_of(histogram::index_of(v)) == 1);
  }
  CHECK(histogram::index_of(128) == 128);
  CHECK(histogram::index_of(255) == 255);
  CHECK(histogram::index_of(256) == 256);
  CHECK(histogram::index_of(257) == 256); // width 2 from 256 on
  CHECK(histogram::width_of(256) == 2);
  // Every value lies in its bucket, and the buckets are contiguous, up to the largest value.
  std::mt19937_64 rng(7);
  for (int i = 0; i < 100'000; ++i) {
    const auto v = rng() >> (rng() % 64);
    const auto idx = histogram::index_of(v);
    CHECK(histogram::lowest_of(idx) <= v);
    CHECK(v - histogram::lowest_of(idx) < histogram::width_of(idx));
    if (idx > 0)
      CHECK(histogram::lowest_of(idx - 1) + histogram::width_of(idx - 1) ==
            histogram::lowest_of(idx));
  }
  CHECK_NOTHROW(histogram().record(~std::uint64_t{0}));
}

TEST_CASE("percentiles are within 1% of the exact ones", "[histogram]") {
  std::mt19937_64 rng(42);
  // Latency-like: log-normal around 200 µs with a long tail, in nanoseconds.
  std::lognormal_distribution<double> dist(std::log(200'000.0), 1.2);
  std::vector<std::uint64_t> values;
  histogram h;
  for (int i = 0; i < 200'000; ++i) {
    const auto v = static_cast<std::uint64_t>(dist(rng));
    values.push_back(v);
    h.record(v);
  }
  std::sort(values.begin(), values.end());
  for (const double q : {0.0, 0.5, 0.9, 0.99, 0.999, 0.9999, 1.0}) {
    const auto rank = std::max<std::size_t>(
        1, static_cast<std::size_t>(std::ceil(q * static_cast<double>(values.size()))));
    const auto exact = static_cast<double>(values[rank - 1]);
    const auto got = static_cast<double>(h.percentile(q));
    INFO("q=" << q << " exact=" << exact << " got=" << got);
    CHECK(std::abs(got - exact) <= 0.01 * exact);
  }
  CHECK(h.count() == values.size());
  CHECK(h.min() == values.front());
  CHECK(h.max() == values.back());
  CHECK(h.percentile(1.0) == values.back());
}

TEST_CASE("merging histograms equals recording everything in one", "[histogram]") {
  std::mt19937_64 rng(3);
  histogram a, b, all;
  for (int i = 0; i < 50'000; ++i) {
    const auto v = rng() % 10'000'000;
    (i % 3 == 0 ? a : b).record(v);
    all.record(v);
  }
  a.merge(b);
  CHECK(a.count() == all.count());
  CHECK(a.min() == all.min());
  CHECK(a.max() == all.max());
  CHECK(a.mean() == Approx(all.mean()));
  for (const double q : {0.5, 0.9, 0.99, 0.999})
    CHECK(a.percentile(q) == all.percentile(q));
}

TEST_CASE("an empty histogram reports zeros, reset empties", "[histogram]") {
  histogram h;
  CHECK(h.count() == 0);
  CHECK(h.percentile(0.99) == 0);
  CHECK(h.min() == 0);
  h.record(5, 3);
  CHECK(h.count() == 3);
  CHECK(h.percentile(0.5) == 5);
  h.reset();
  CHECK(h.count() == 0);
  CHECK(h.max() == 0);
}

// The property `mqtk-bench merge` rests on: however a sample is split over instances (machines,
// threads), saved and read back, the merged histogram reports every percentile exactly as the
// histogram of the whole sample does.
TEST_CASE("K random partitions, saved and restored, merge to the whole sample's percentiles",
          "[histogram][merge]") {
  std::mt19937_64 rng(11);
  std::lognormal_distribution<double> latency(std::log(150'000.0), 1.5);
  for (int round = 0; round < 40; ++round) {
    const auto k = 1 + rng() % 12;
    const auto n = 1 + rng() % 20'000;
    std::vector<histogram> parts(k);
    histogram whole;
    for (std::uint64_t i = 0; i < n; ++i) {
      const auto v = static_cast<std::uint64_t>(latency(rng));
      parts[rng() % k].record(v);
      whole.record(v);
    }
    histogram merged;
    for (const auto& p : parts) {
      const auto back = histogram::restore(p.buckets(), p.min(), p.max(), p.sum());
      REQUIRE(back);
      merged.merge(*back);
    }
    REQUIRE(merged.count() == whole.count());
    CHECK(merged.min() == whole.min());
    CHECK(merged.max() == whole.max());
    for (const double q : {0.0, 0.25, 0.5, 0.9, 0.99, 0.999, 0.9999, 0.99999, 1.0})
      CHECK(merged.percentile(q) == whole.percentile(q));
  }
}

TEST_CASE("restore refuses buckets no histogram could hold", "[histogram][merge]") {
  using b = histogram::bucket;
  CHECK(histogram::restore({{5, 2}}, 5, 5, 10));
  CHECK(histogram::restore({}, 0, 0, 0)->count() == 0);
  CHECK_FALSE(histogram::restore({{100'000, 1}}, 5, 5, 5)); // index beyond the last bucket
  CHECK_FALSE(histogram::restore({b{5, 0}}, 5, 5, 0));      // an empty bucket is never saved
  CHECK_FALSE(histogram::restore({{5, 1}}, 9, 4, 5));       // min above max
  CHECK_FALSE(histogram::restore({{5, 1}}, 50, 60, 5));     // min outside the buckets
}

TEST_CASE("merge_buckets adds two seconds' bucket lists as one histogram would",
          "[histogram][merge]") {
  std::mt19937_64 rng(5);
  histogram a, b, both;
  for (int i = 0; i < 5'000; ++i) {
    const auto v = rng() % 3'000'000;
    (rng() % 2 ? a : b).record(v);
    both.record(v);
  }
  const auto merged = mqtk::bench::merge_buckets(a.buckets(), b.buckets());
  const auto expected = both.buckets();
  REQUIRE(merged.size() == expected.size());
  for (std::size_t i = 0; i < merged.size(); ++i) {
    CHECK(merged[i].index == expected[i].index);
    CHECK(merged[i].count == expected[i].count);
  }
  CHECK(mqtk::bench::merge_buckets({}, a.buckets()).size() == a.buckets().size());
}
