// SPDX-License-Identifier: MIT
// Parsing the client tables: the default CONNECT/CONNACK exchange and the application's steps.
#include "client_runner.hpp"

#include <stdexcept>

#include <nlohmann/json.hpp>

namespace mqtk::conformance {
namespace {

using kind = client_step::kind;

std::uint8_t code_of(const nlohmann::json& j, const snippets& defs, const std::string& where) {
  const auto b = hex_bytes(j.get<std::string>(), defs, where);
  if (b.size() != 1) throw std::runtime_error(where + ": a reason code is one byte");
  return b[0];
}

// {"topic": "t", "payload": "x", "qos": 1, "retain": false}
codec::publish message_of(const nlohmann::json& j) {
  codec::publish m;
  m.topic = j.at("topic").get<std::string>();
  m.payload = j.value("payload", "");
  m.qos = static_cast<std::uint8_t>(j.value("qos", 0));
  m.retain = j.value("retain", false);
  return m;
}

client_step parse_client_step(const nlohmann::json& j, const snippets& defs,
                              const std::string& where) {
  if (j.value("c", "a") != "a") throw std::runtime_error(where + ": one client per case");
  if (j.contains("expect_disconnect") || j.contains("expect_connack"))
    throw std::runtime_error(where + ": the client sends no Reason String; use expect");
  client_step s{kind::wire, {}, {}, 0, std::nullopt, false};
  if (j.contains("start")) {
    s.what = kind::start;
  } else if (j.contains("publish")) {
    s.what = kind::publish;
    s.message = message_of(j["publish"]);
  } else if (j.contains("disconnect")) {
    s.what = kind::disconnect;
    s.code = code_of(j["disconnect"], defs, where);
  } else if (j.contains("expect_connected")) {
    s.what = kind::expect_connected;
    s.session_present = j["expect_connected"].value("session_present", false);
  } else if (j.contains("expect_message")) {
    s.what = kind::expect_message;
    s.message = message_of(j["expect_message"]);
  } else if (j.contains("expect_done")) {
    s.what = kind::expect_done;
    s.packet_id = j["expect_done"].at("id").get<std::uint16_t>();
    s.code = code_of(j["expect_done"].value("code", "00"), defs, where);
  } else if (j.contains("expect_closed")) {
    s.what = kind::expect_closed;
    if (j["expect_closed"].is_string()) s.code = code_of(j["expect_closed"], defs, where);
  } else {
    s.wire = parse_step(j, defs, where);
  }
  return s;
}

} // namespace

std::vector<client_case> load_client_tables(const std::string& dir) {
  std::vector<client_case> cases;
  for_each_case(dir, [&](const std::string& file, const nlohmann::json& jc, const snippets& defs) {
    client_case c{case_header(file, jc), {}, std::nullopt, {}};
    const auto where = c.header.file + ": " + c.header.name;
    const auto v = c.header.version == "5" ? "5" : "3";
    c.connect = hex_bytes(jc.value("connect", std::string("$CONNECT") + v), defs, where);
    const auto connack = jc.value("connack", nlohmann::json(std::string("$CONNACK") + v));
    if (connack.is_string())
      c.connack = hex_bytes(connack.get<std::string>(), defs, where);
    else if (connack != false)
      throw std::runtime_error(where + ": connack is hex or false");
    for (const auto& js : jc.at("steps"))
      c.steps.push_back(parse_client_step(js, defs, where));
    cases.push_back(std::move(c));
  });
  return cases;
}

} // namespace mqtk::conformance
