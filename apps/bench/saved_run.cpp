// SPDX-License-Identifier: MIT
// Writing and reading the saved run. Reading checks every field it uses: a merge of a damaged
// file must fail naming it, never produce numbers from half a run.
#include "bench/saved_run.hpp"

#include <nlohmann/json.hpp>

#include "common/read_file.hpp"

namespace mqtk::app::bench {
namespace {

using json = nlohmann::ordered_json;
using mqtk::bench::histogram;

json buckets_json(const std::vector<histogram::bucket>& buckets) {
  json out = json::array();
  for (const auto& b : buckets)
    out.push_back({b.index, b.count});
  return out;
}

json histogram_json(const histogram& h) {
  return {{"count", h.count()},
          {"min", h.min()},
          {"max", h.max()},
          {"sum", static_cast<double>(h.sum())},
          {"buckets", buckets_json(h.buckets())}};
}

json info_json(const run_info& i) {
  return {{"version", i.version},
          {"target", i.target},
          {"mode", i.mode},
          {"protocol", i.protocol},
          {"qos", i.qos},
          {"payload_bytes", i.size},
          {"rate", i.rate},
          {"duration", i.duration},
          {"count", i.count},
          {"publishers", i.publishers},
          {"subscribers", i.subscribers},
          {"clients", i.clients},
          {"connect_rate", i.connect_rate},
          {"churn", i.churn},
          {"instance", i.instance},
          {"instances", i.instances},
          {"host", i.host},
          {"kernel", i.kernel},
          {"cores", i.cores},
          {"parts", i.parts}};
}

json series_json(const std::vector<progress>& series) {
  json out = json::array();
  for (const auto& p : series)
    out.push_back({{"elapsed", p.elapsed},
                   {"sent", p.sent},
                   {"received", p.received},
                   {"in_flight", p.in_flight},
                   {"errors", p.errors},
                   {"new_errors", p.new_errors},
                   {"duplicates", p.duplicates},
                   {"latency", buckets_json(p.latency)}});
  return out;
}

json records_json(const results& r) {
  json pubs = json::array(), heard = json::array(), parts = json::array();
  for (const auto& p : r.publishers)
    pubs.push_back({{"index", p.index},
                    {"taken", p.taken},
                    {"taken_by_second", p.taken_by_second},
                    {"second_offset", p.second_offset}});
  for (const auto& h : r.heard) {
    json top = json::array();
    for (const auto& [n, subs] : h.highest)
      top.push_back({n, subs});
    heard.push_back({{"publisher", h.publisher},
                     {"subscribers", h.subscribers},
                     {"distinct", h.distinct},
                     {"gaps", h.gaps},
                     {"highest", top}});
  }
  for (const auto& i : r.instances)
    parts.push_back(
        {{"name", i.name}, {"second_offset", i.second_offset}, {"sent_received", i.sent_received}});
  return {{"publishers", pubs}, {"heard", heard}, {"instances", parts}};
}

// Reading: every getter throws json::exception on a missing or mistyped field, which the
// caller turns into one message naming the file.
std::vector<histogram::bucket> buckets_of(const json& j) {
  if (!j.is_array()) throw std::runtime_error("histogram buckets are not a list");
  std::vector<histogram::bucket> out;
  for (const auto& b : j) {
    out.push_back({b.at(0).get<std::uint32_t>(), b.at(1).get<std::uint64_t>()});
    if (out.size() > 1 && out[out.size() - 2].index >= out.back().index)
      throw std::runtime_error("histogram buckets out of order");
  }
  return out;
}

histogram histogram_of(const json& j) {
  auto h = histogram::restore(buckets_of(j.at("buckets")), j.at("min").get<std::uint64_t>(),
                              j.at("max").get<std::uint64_t>(), j.at("sum").get<double>());
  if (!h || h->count() != j.at("count").get<std::uint64_t>())
    throw std::runtime_error("a latency histogram does not add up");
  return *h;
}

run_info info_of(const json& j) {
  run_info i;
  j.at("version").get_to(i.version);
  j.at("target").get_to(i.target);
  j.at("mode").get_to(i.mode);
  j.at("protocol").get_to(i.protocol);
  j.at("qos").get_to(i.qos);
  j.at("payload_bytes").get_to(i.size);
  j.at("rate").get_to(i.rate);
  j.at("duration").get_to(i.duration);
  j.at("count").get_to(i.count);
  j.at("publishers").get_to(i.publishers);
  j.at("subscribers").get_to(i.subscribers);
  j.at("clients").get_to(i.clients);
  j.at("connect_rate").get_to(i.connect_rate);
  j.at("churn").get_to(i.churn);
  j.at("instance").get_to(i.instance);
  j.at("instances").get_to(i.instances);
  j.at("host").get_to(i.host);
  j.at("kernel").get_to(i.kernel);
  j.at("cores").get_to(i.cores);
  j.at("parts").get_to(i.parts);
  if (i.instances == 0 || i.instance == 0 || i.instance > i.instances)
    throw std::runtime_error("instance out of range");
  return i;
}

void totals_of(const json& t, results& r) {
  t.at("sent").get_to(r.sent);
  t.at("received").get_to(r.received);
  t.at("acknowledged").get_to(r.acknowledged);
  t.at("lost").get_to(r.lost);
  t.at("duplicates").get_to(r.duplicates);
  t.at("reordered").get_to(r.reordered);
  t.at("late").get_to(r.late);
  t.at("errors").get_to(r.errors);
  t.at("foreign").get_to(r.foreign);
  t.at("send_seconds").get_to(r.send_seconds);
  t.at("receive_seconds").get_to(r.receive_seconds);
  t.at("start_wall_ns").get_to(r.start_wall_ns);
  t.at("subscribers").get_to(r.subscribers);
  t.at("lost_series").get_to(r.lost_series);
}

void series_of(const json& j, results& r) {
  for (const auto& e : j) {
    progress p;
    e.at("elapsed").get_to(p.elapsed);
    e.at("sent").get_to(p.sent);
    e.at("received").get_to(p.received);
    e.at("in_flight").get_to(p.in_flight);
    e.at("errors").get_to(p.errors);
    e.at("new_errors").get_to(p.new_errors);
    e.at("duplicates").get_to(p.duplicates);
    p.latency = buckets_of(e.at("latency"));
    r.series.push_back(std::move(p));
  }
}

void records_of(const json& j, results& r) {
  for (const auto& e : j.at("publishers"))
    r.publishers.push_back({e.at("index").get<std::uint32_t>(), e.at("taken").get<std::uint64_t>(),
                            e.at("taken_by_second").get<std::vector<std::uint64_t>>(),
                            e.at("second_offset").get<std::int64_t>()});
  for (const auto& e : j.at("heard")) {
    heard_record h{e.at("publisher").get<std::uint32_t>(),
                   e.at("subscribers").get<std::uint64_t>(),
                   e.at("distinct").get<std::uint64_t>(),
                   e.at("gaps").get<std::vector<std::pair<std::uint64_t, std::uint64_t>>>(),
                   {}};
    for (const auto& t : e.at("highest"))
      h.highest[t.at(0).get<std::uint64_t>()] += t.at(1).get<std::uint64_t>();
    add_heard(r.heard, std::move(h));
  }
  for (const auto& e : j.at("instances"))
    r.instances.push_back(
        {e.at("name").get<std::string>(), e.at("second_offset").get<std::int64_t>(),
         e.at("sent_received").get<std::vector<std::pair<std::uint64_t, std::uint64_t>>>()});
}

} // namespace

std::string saved_run_json(const run_info& info, const results& r) {
  json j;
  j["format"] = "mqtk-bench-run";
  j["format_version"] = saved_run_version;
  j["run"] = info_json(info);
  j["totals"] = {{"sent", r.sent},
                 {"received", r.received},
                 {"acknowledged", r.acknowledged},
                 {"lost", r.lost},
                 {"duplicates", r.duplicates},
                 {"reordered", r.reordered},
                 {"late", r.late},
                 {"errors", r.errors},
                 {"foreign", r.foreign},
                 {"send_seconds", r.send_seconds},
                 {"receive_seconds", r.receive_seconds},
                 {"start_wall_ns", r.start_wall_ns},
                 {"subscribers", r.subscribers},
                 {"lost_series", r.lost_series}};
  j["latency_ns"] = {{"from_intended", histogram_json(r.from_intended)},
                     {"from_sent", histogram_json(r.from_sent)}};
  j["series"] = series_json(r.series);
  j["records"] = records_json(r);
  return j.dump() + "\n";
}

std::optional<saved_run> read_saved_run(const std::string& path, std::string& why) {
  auto text = read_whole_file(path, why);
  if (!text) return why = path + ": " + why, std::nullopt;
  try {
    const auto j = json::parse(*text);
    if (!j.is_object() || j.value("format", "") != "mqtk-bench-run")
      return why = path + ": not a run saved by mqtk-bench --save", std::nullopt;
    const auto v = j.at("format_version").get<int>();
    if (v != saved_run_version)
      return why = path + ": format version " + std::to_string(v) + "; this mqtk-bench reads " +
                   std::to_string(saved_run_version),
             std::nullopt;
    saved_run out;
    out.path = path;
    out.info = info_of(j.at("run"));
    totals_of(j.at("totals"), out.r);
    out.r.from_intended = histogram_of(j.at("latency_ns").at("from_intended"));
    out.r.from_sent = histogram_of(j.at("latency_ns").at("from_sent"));
    series_of(j.at("series"), out.r);
    records_of(j.at("records"), out.r);
    out.r.ran = true;
    return out;
  } catch (const std::exception& e) {
    return why = path + ": not a readable mqtk-bench run: " + e.what(), std::nullopt;
  }
}

} // namespace mqtk::app::bench
