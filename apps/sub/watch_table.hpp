// SPDX-License-Identifier: MIT
// mqtk-sub --watch: the table of topics it shows, kept and laid out without any terminal I/O
// (terminal.hpp does that), so layout is testable on its own.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace mqtk::app::sub {

class watch_table {
public:
  using clock = std::chrono::steady_clock;

  /// A message on `topic`; `shown` is its payload as the column shows it (raw, or -F's text).
  void add(const std::string& topic, std::string shown, std::uint8_t qos, bool retained,
           clock::time_point now);

  /// The table as `height` lines of at most `width` columns (display cells; a payload's
  /// control characters shown as '.'), sorted by topic: a header, the column names, one row
  /// per topic (TOPIC, QOS with R for retained, COUNT, RATE per second over the last 5 s, AGE
  /// since the latest, PAYLOAD; a narrow terminal drops RATE and AGE first), and "... N more"
  /// when the topics do not fit.
  std::vector<std::string> render(std::size_t width, std::size_t height,
                                  clock::time_point now) const;

  std::size_t topics() const noexcept { return rows_.size(); }
  std::uint64_t messages() const noexcept { return messages_; }

private:
  struct row {
    std::string shown;
    std::uint8_t qos = 0;
    bool retained = false;
    std::uint64_t count = 0;
    clock::time_point last{};
    clock::time_point first{};
    // Messages per second for the last 6 whole seconds since `first`, a ring by second.
    std::array<std::uint32_t, 6> per_second{};
    std::int64_t second = -1; ///< the second (since first) per_second's newest slot holds
    double rate(clock::time_point now) const;
  };

  std::map<std::string, row> rows_;
  std::uint64_t messages_ = 0;
};

} // namespace mqtk::app::sub
