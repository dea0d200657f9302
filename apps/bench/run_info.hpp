// SPDX-License-Identifier: MIT
// What a run was, as its reports and saved file say it: the target, the load, the instance and
// the host it ran on. A live run describes itself from its settings; a merged run from its files.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bench/options.hpp"

namespace mqtk::app::bench {

struct run_info {
  std::string version;  ///< mqtk-bench's version and commit
  std::string target;   ///< the broker's URL (several, comma-separated, when merged)
  std::string mode;     ///< pubsub, pub, sub, conn; merged: e.g. "pub+sub"
  std::string protocol; ///< MQTT version: 3.1.1 or 5.0
  unsigned qos = 0;
  std::uint64_t size = 0;
  double rate = 0; ///< messages/s per publisher; 0: as fast as possible
  double duration = 0;
  std::uint64_t count = 0;
  std::uint64_t publishers = 0, subscribers = 0, clients = 0; ///< clients: conn mode
  double connect_rate = 0;
  bool churn = false;
  unsigned instance = 1, instances = 1;
  std::string host, kernel; ///< merged: every instance's, comma-separated
  unsigned cores = 0;
  std::vector<std::string> parts; ///< merged: one line per instance file

  bool connections() const { return mode == "conn"; }
};

run_info describe(const settings& s);
/// The URL the clients connect to, as a user would write it.
std::string target_of(const settings& s);

} // namespace mqtk::app::bench
