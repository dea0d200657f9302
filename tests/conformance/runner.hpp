// SPDX-License-Identifier: MIT
// Loads the conformance tables (tests/conformance/*.json) into cases of steps.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

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

// The pieces load_tables() is made of, for tables that add steps of their own (the client's).

/// Named hex snippets, used as `$NAME`.
using snippets = std::map<std::string, std::string>;
/// Calls `each` for every case of every table in `dir` (sorted by file name), with the table's
/// snippets: those of `dir`/defs.json, then the table's own.
void for_each_case(const std::string& dir,
                   const std::function<void(const std::string& file, const nlohmann::json& c,
                                            const snippets& defs)>& each);
/// A case's file, name, version and sans_io_only, checked; its steps are left to the caller.
test_case case_header(const std::string& file, const nlohmann::json& c);
/// Hex with $NAME snippets and {XX*N} repetitions as bytes; throws naming `where`.
buffer hex_bytes(const std::string& hex, const snippets& defs, const std::string& where);
/// One step of the vocabulary above; throws naming `where` for one it does not know.
step parse_step(const nlohmann::json& j, const snippets& defs, const std::string& where);

/// Normative statement ids named by the cases of `version`, e.g. "MQTT-3.3.1-4".
std::vector<std::string> statement_ids(const std::vector<test_case>& cases,
                                       const std::string& version);

} // namespace mqtk::conformance
