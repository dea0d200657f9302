// SPDX-License-Identifier: MIT
// mqtk-bench's settings, validated from its flags.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/connection_options.hpp"
#include "common/docgen.hpp"

namespace mqtk::app::bench {

class team;

enum class mode { pub, sub, pubsub, conn };

/// Publisher numbers a subscriber learns from stamps, and so the most publishers of one run.
inline constexpr std::size_t most_publishers = std::size_t{1} << 20;

struct settings {
  connection_settings conn;
  mode what = mode::pubsub;
  unsigned publishers = 1;
  unsigned subscribers = 1;
  unsigned clients = 100;  ///< conn mode: connections (held open, or at once when churning)
  double connect_rate = 0; ///< conn mode: connections per second; 0: as fast as possible
  bool churn = false;      ///< conn mode: connect, CONNACK, disconnect, again, for --duration
  double rate = 0;         ///< messages/s per publisher; 0: as fast as the window allows
  std::uint64_t count = 0; ///< per publisher; 0: run for `duration`
  double duration = 10;    ///< seconds, when count is 0
  double warmup = 0;       ///< seconds whose latencies are not recorded
  double drain = 2;        ///< seconds to wait for the last messages after sending stops
  std::size_t size = 32;   ///< payload bytes (at least the 32-byte stamp)
  std::uint8_t qos = 0;
  bool retain = false;
  std::string topic = "mqtk-bench/%i"; ///< %i publisher index, %c client id, %s sequence,
                                       ///< %t topic number (sequence modulo `topics`)
  unsigned topics = 1;                 ///< --topics: how many names %t spreads over
  std::string filter;                  ///< subscribers' filter (default: from the topic)
  std::string id_prefix = "mqtk-bench";
  bool json = false;
  std::string csv;                            ///< --csv FILE: the per-second series and the summary
  std::string report;                         ///< --report FILE.html
  std::optional<std::uint64_t> skip_sequence; ///< never send this number (tests loss counting)
  /// Local addresses the clients connect from, in turn (--source-addresses): one address has
  /// about 28,000 ephemeral ports towards one broker port.
  std::vector<std::string> sources;
  unsigned threads = 1;             ///< --threads: clients split over this many threads
  std::size_t first_index = 0;      ///< a thread's first client or publisher (global index)
  std::size_t first_subscriber = 0; ///< a thread's first subscriber (pubsub, sub)
  std::size_t total_publishers = 0; ///< all threads' publishers (0: this thread's are all)
  std::shared_ptr<team> crew;       ///< the threads of one pubsub run; null on one thread
  /// --instance I/N: this process is instance I (1-based) of N that form one run.
  unsigned instance = 1, instances = 1;
  std::optional<std::uint64_t> start_at_wall_ns; ///< --start-at, wall-clock ns
  std::string save;                              ///< --save FILE: the whole run as JSON
};

/// Where client number `index` connects from and to.
client::endpoint endpoint_for(const settings& s, std::size_t index);

/// The man page text besides the options (manual.cpp).
page_info manual();

std::optional<settings> parse(int argc, char** argv, int& exit_status);

/// Parses "64", "1k", "16KiB", "1M", "2MiB" into bytes (k/M are 1000s, KiB/MiB 1024s).
std::optional<std::size_t> parse_size(const std::string& text);

} // namespace mqtk::app::bench
