// SPDX-License-Identifier: MIT
// Parsing the conformance tables: JSON, $NAME snippets and {XX*N} repetitions in hex.
#include "runner.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "mqtk/codec/decoder.hpp"

namespace mqtk::conformance {
namespace {

std::string expand(std::string hex, const snippets& defs) {
  // $NAME snippets, longest names first so that $C5A does not eat $C5AB.
  std::vector<std::pair<std::string, std::string>> sorted(defs.begin(), defs.end());
  std::sort(sorted.begin(), sorted.end(),
            [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  for (const auto& [name, value] : sorted) {
    const auto token = "$" + name;
    for (auto at = hex.find(token); at != std::string::npos; at = hex.find(token, at))
      hex.replace(at, token.size(), value);
  }
  // {XX*N}: byte XX repeated N times.
  std::string out;
  for (std::size_t i = 0; i < hex.size();) {
    const auto open = hex.find('{', i);
    if (open == std::string::npos) {
      out.append(hex, i, std::string::npos);
      break;
    }
    const auto close = hex.find('}', open);
    const auto star = hex.find('*', open);
    if (close == std::string::npos || star == std::string::npos || star > close || star != open + 3)
      throw std::runtime_error("bad repetition in " + hex);
    out.append(hex, i, open - i);
    const auto byte = hex.substr(open + 1, 2);
    const auto n = std::stoul(hex.substr(star + 1, close - star - 1));
    for (std::size_t k = 0; k < n; ++k)
      out += byte;
    i = close + 1;
  }
  hex = std::move(out);
  return hex;
}

} // namespace

buffer hex_bytes(const std::string& hex, const snippets& defs, const std::string& where) {
  auto b = from_hex(expand(hex, defs));
  if (!b) throw std::runtime_error(where + ": bad hex: " + hex);
  return *b;
}

step parse_step(const nlohmann::json& j, const snippets& defs, const std::string& where) {
  step s;
  s.client = j.value("c", "a");
  if (j.contains("send")) {
    s.what = step::kind::send;
    s.bytes = hex_bytes(j["send"].get<std::string>(), defs, where);
  } else if (j.contains("expect")) {
    s.what = step::kind::expect;
    s.bytes = hex_bytes(j["expect"].get<std::string>(), defs, where);
  } else if (j.contains("expect_disconnect") || j.contains("expect_connack")) {
    const bool d = j.contains("expect_disconnect");
    s.what = d ? step::kind::expect_disconnect : step::kind::expect_connack;
    const auto b =
        hex_bytes(j[d ? "expect_disconnect" : "expect_connack"].get<std::string>(), defs, where);
    if (b.size() != 1) throw std::runtime_error(where + ": a reason code is one byte");
    s.code = b[0];
  } else if (j.contains("expect_closed")) {
    s.what = step::kind::expect_closed;
  } else if (j.contains("expect_nothing")) {
    s.what = step::kind::expect_nothing;
  } else if (j.contains("close")) {
    s.what = step::kind::close;
  } else if (j.contains("tick")) {
    s.what = step::kind::tick;
    s.ms = j["tick"].get<std::int64_t>();
  } else {
    throw std::runtime_error(where + ": unknown step " + j.dump());
  }
  return s;
}

void for_each_case(const std::string& dir,
                   const std::function<void(const std::string& file, const nlohmann::json& c,
                                            const snippets& defs)>& each) {
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().extension() == ".json") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  // defs.json holds snippets shared by every table.
  snippets shared;
  if (std::ifstream in(std::filesystem::path(dir) / "defs.json"); in) {
    const auto doc = nlohmann::json::parse(in);
    for (const auto& [k, v] : doc.at("defs").items())
      shared[k] = v.get<std::string>();
  }
  for (const auto& path : files) {
    if (path.filename() == "defs.json") continue;
    std::ifstream in(path);
    const auto doc = nlohmann::json::parse(in);
    snippets defs = shared;
    if (doc.contains("defs"))
      for (const auto& [k, v] : doc["defs"].items())
        defs[k] = v.get<std::string>();
    for (const auto& jc : doc.at("cases"))
      each(path.filename().string(), jc, defs);
  }
}

test_case case_header(const std::string& file, const nlohmann::json& jc) {
  test_case c;
  c.file = file;
  c.name = jc.at("name").get<std::string>();
  c.sans_io_only = jc.value("sans_io_only", false);
  c.version = jc.at("version").get<std::string>();
  if (c.version != "3.1.1" && c.version != "5")
    throw std::runtime_error(c.file + ": " + c.name + ": version must be \"3.1.1\" or \"5\"");
  return c;
}

std::vector<test_case> load_tables(const std::string& dir) {
  std::vector<test_case> cases;
  for_each_case(dir, [&](const std::string& file, const nlohmann::json& jc, const snippets& defs) {
    auto c = case_header(file, jc);
    for (const auto& js : jc.at("steps"))
      c.steps.push_back(parse_step(js, defs, c.file + ": " + c.name));
    cases.push_back(std::move(c));
  });
  return cases;
}

bool matches(const step& s, byte_view packet, std::string& why) {
  auto p = codec::decode(packet, codec::protocol_version::v5);
  if (!p) {
    why = "undecodable: " + to_hex(packet);
    return false;
  }
  const codec::properties* props = nullptr;
  reason_code code{};
  if (const auto* d = std::get_if<codec::disconnect>(&*p);
      d && s.what == step::kind::expect_disconnect) {
    props = &d->props;
    code = d->code;
  } else if (const auto* c = std::get_if<codec::connack>(&*p);
             c && s.what == step::kind::expect_connack) {
    props = &c->props;
    code = c->code;
  } else {
    why = "wrong packet: " + to_hex(packet);
    return false;
  }
  if (static_cast<std::uint8_t>(code) != s.code || !props->reason_string ||
      props->reason_string->empty()) {
    why = "wrong code or no Reason String: " + to_hex(packet);
    return false;
  }
  return true;
}

std::vector<std::string> statement_ids(const std::vector<test_case>& cases,
                                       const std::string& version) {
  static const std::regex id(R"(MQTT-[0-9]+(\.[0-9]+)*-[0-9]+)");
  std::set<std::string> ids;
  for (const auto& c : cases)
    if (c.version == version)
      for (auto it = std::sregex_iterator(c.name.begin(), c.name.end(), id);
           it != std::sregex_iterator(); ++it)
        ids.insert(it->str());
  return {ids.begin(), ids.end()};
}

} // namespace mqtk::conformance
