// SPDX-License-Identifier: MIT
// mqtk-sub -j lines and mqtk-pub --jsonl: any JSON payload is embedded as JSON, and every line
// replays to the payload's exact bytes.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "mqtk/jsonl/json_message.hpp"

using namespace mqtk;

namespace {

codec::publish message(std::string payload) {
  return codec::publish{"t/1", std::move(payload), 1, 0, false, false, {}};
}

std::string replayed(const std::string& line) {
  std::string why;
  const auto m = jsonl::message_from_json(line, why);
  INFO(why);
  REQUIRE(m);
  return m->payload;
}

} // namespace

TEST_CASE("JSON payloads stay JSON whatever their spacing, and replay byte for byte", "[jsonl]") {
  const std::vector<std::string> payloads = {
      R"({"temp": 21.5})",                                // spaced: once a string, now JSON
      R"({"a":1.0,"b":1e3,"c":12345678901234567890123})", // spellings a parser rewrites
      R"({"k":1,"k":2})",                                 // a repeated key, kept as sent
      R"(["x\u00e9\/", {"}": "]"}])",                     // escapes and brackets in strings
      "{\n  \"pretty\": true\n}\n",                       // line breaks: kept aside
      " 42 ",                                             // surrounding space: kept aside
      "\"just a string\"",
      "null"};
  for (const auto& p : payloads) {
    INFO(p);
    const auto line = jsonl::json_line(message(p), {});
    CHECK(line.find('\n') == std::string::npos); // one line per message
    const auto j = nlohmann::json::parse(line);
    CHECK(j["payload_encoding"] == "json");
    CHECK(j["payload"] == nlohmann::json::parse(p)); // what jq .payload sees
    CHECK(replayed(line) == p);
  }
}

TEST_CASE("a spaced JSON payload is spliced in as written, not doubled", "[jsonl]") {
  auto m = message(R"({"temp": 21.50})");
  m.props.content_type = "application/json";
  const auto line = jsonl::json_line(m, {});
  CHECK(line.find(R"("payload":{"temp": 21.50},"properties":{"content_type")") !=
        std::string::npos);
  CHECK(line.find("payload_text") == std::string::npos);
  CHECK(nlohmann::json::parse(line)["payload"]["temp"] == 21.5);
}

TEST_CASE("only a payload with line breaks or outer space carries payload_text", "[jsonl]") {
  const auto line = jsonl::json_line(message("[1,\n2]"), {});
  const auto j = nlohmann::json::parse(line);
  CHECK(j["payload"] == nlohmann::json::array({1, 2}));
  CHECK(j["payload_text"] == "[1,\n2]");
}

TEST_CASE("text and binary payloads keep their encodings", "[jsonl]") {
  CHECK(nlohmann::json::parse(jsonl::json_line(message("plain"), {}))["payload_encoding"] ==
        "utf8");
  const std::string bytes("\x00\xff", 2);
  const auto line = jsonl::json_line(message(bytes), {});
  CHECK(nlohmann::json::parse(line)["payload_encoding"] == "base64");
  CHECK(replayed(line) == bytes);
  CHECK(nlohmann::json::parse(jsonl::json_line(message(""), {}))["payload_encoding"] == "utf8");
}

TEST_CASE("a hand-written line sends the payload member as written", "[jsonl]") {
  CHECK(replayed(R"({"topic": "t", "payload" :  {"a": [1, 2.0]} , "qos": 1})") ==
        R"({"a": [1, 2.0]})");
  CHECK(replayed(R"({"topic":"t","payload":3.10})") == "3.10");
  CHECK(replayed(R"({"payload":"not this","topic":"t","payload":[true]})") == "[true]");
  CHECK(replayed(R"({"topic":"t","payload":"text"})") == "text");
  std::string why;
  CHECK_FALSE(jsonl::message_from_json(
      R"({"topic":"t","payload_encoding":"json","payload":1,"payload_text":2})", why));
  CHECK(why == "\"payload_text\" must be a string");
}

TEST_CASE("a JSON payload behind a byte order mark keeps the line valid JSON", "[jsonl]") {
  const std::string p = "\xEF\xBB\xBF{\"a\":1}";
  const auto line = jsonl::json_line(message(p), {});
  CHECK_NOTHROW(nlohmann::json::parse(line));
  CHECK(replayed(line) == p);
}
