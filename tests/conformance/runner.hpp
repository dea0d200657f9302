// SPDX-License-Identifier: MIT
// Loads the conformance tables (tests/conformance/*.json) into cases of steps.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mqtk/core/bytes.hpp"

namespace mqtk::conformance {

struct step {
  enum class kind {
    send,
    expect,
    expect_disconnect, ///< a v5 DISCONNECT with reason `code` and a Reason String
    expect_connack,    ///< a v5 CONNACK refusing with reason `code` and a Reason String
    expect_closed,
    expect_nothing,
    close,
    tick
  } what;
  std::string client;
  buffer bytes;
  std::int64_t ms = 0;
  std::uint8_t code = 0;
};

/// Whether `packet` (one whole v5 packet) is what an expect_disconnect/expect_connack step wants;
/// otherwise `why` says what differs.
bool matches(const step& s, byte_view packet, std::string& why);

struct test_case {
  std::string file;
  std::string name;
  std::string version; ///< "3.1.1" or "5": the spec whose statement ids the name cites
  bool sans_io_only = false;
  std::vector<step> steps;
};

/// Every case of every table in `dir`; throws std::runtime_error naming a malformed table.
std::vector<test_case> load_tables(const std::string& dir);

/// Normative statement ids named by the cases of `version`, e.g. "MQTT-3.3.1-4".
std::vector<std::string> statement_ids(const std::vector<test_case>& cases,
                                       const std::string& version);

} // namespace mqtk::conformance
