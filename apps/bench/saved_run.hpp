// SPDX-License-Identifier: MIT
// The saved run (--save FILE): one JSON document with everything a later merge or comparison
// needs, histograms bucket by bucket. Format "mqtk-bench-run", version 1.
#pragma once

#include <optional>
#include <string>

#include "bench/engine.hpp"
#include "bench/run_info.hpp"

namespace mqtk::app::bench {

inline constexpr int saved_run_version = 1;

struct saved_run {
  run_info info;
  results r;
  std::string path; ///< where it was read from
};

std::string saved_run_json(const run_info& info, const results& r);
/// Reads a saved run; nullopt with `why` (naming the file and the problem) when the file is not
/// one, comes from a newer format version or is damaged.
std::optional<saved_run> read_saved_run(const std::string& path, std::string& why);

} // namespace mqtk::app::bench
