// SPDX-License-Identifier: MIT
// Writing and reading the saved run. Reading checks every field it uses: a merge of a damaged
// file must fail naming it, never produce numbers from half a run.
#include "bench/saved_run.hpp"

#include <limits>
#include <nlohmann/json.hpp>
#include <type_traits>

#include "common/read_file.hpp"

namespace mqtk::app::bench {
namespace {

using json = nlohmann::ordered_json;
using mqtk::bench::histogram;

// Each saved field named once, for writing and reading alike.
template <class Info, class F>
void info_fields(Info& i, F&& f) {
  f("version", i.version);
  f("target", i.target);
  f("mode", i.mode);
  f("protocol", i.protocol);
  f("qos", i.qos);
  f("payload_bytes", i.size);
  f("rate", i.rate);
  f("duration", i.duration);
  f("count", i.count);
  f("publishers", i.publishers);
  f("subscribers", i.subscribers);
  f("clients", i.clients);
  f("connect_rate", i.connect_rate);
  f("churn", i.churn);
  f("instance", i.instance);
  f("instances", i.instances);
  f("host", i.host);
  f("kernel", i.kernel);
  f("cores", i.cores);
  f("parts", i.parts);
}

template <class Results, class F>
void totals_fields(Results& r, F&& f) {
  f("sent", r.sent);
  f("received", r.received);
  f("acknowledged", r.acknowledged);
  f("lost", r.lost);
  f("duplicates", r.duplicates);
  f("reordered", r.reordered);
  f("late", r.late);
  f("errors", r.errors);
  f("foreign", r.foreign);
  f("send_seconds", r.send_seconds);
  f("receive_seconds", r.receive_seconds);
  f("start_wall_ns", r.start_wall_ns);
  f("subscribers", r.subscribers);
  f("lost_series", r.lost_series);
  f("lost_unplaced", r.lost_unplaced);
}

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
  json out = json::object();
  info_fields(i, [&](const char* name, const auto& v) { out[name] = v; });
  return out;
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
                     {"unplaced", h.unplaced},
                     {"highest", top}});
  }
  for (const auto& i : r.instances)
    parts.push_back(
        {{"name", i.name}, {"second_offset", i.second_offset}, {"sent_received", i.sent_received}});
  return {{"publishers", pubs}, {"heard", heard}, {"instances", parts}};
}

// Reading: every getter throws on a missing or mistyped field, which the caller turns into one
// message naming the file. Counts must be whole numbers in their type's range: nlohmann would
// otherwise wrap -1 into 4294967295 without a word.
template <class T>
T whole(const json& j) {
  if (!j.is_number_unsigned())
    throw std::runtime_error("expected a whole number, found " + j.dump());
  const auto v = j.get<std::uint64_t>();
  if (v > std::numeric_limits<T>::max()) throw std::runtime_error(j.dump() + " is out of range");
  return static_cast<T>(v);
}

template <class T>
void read(const json& j, T& out) {
  if constexpr (std::is_integral_v<T> && std::is_unsigned_v<T> && !std::is_same_v<T, bool>)
    out = whole<T>(j);
  else
    j.get_to(out);
}
std::vector<histogram::bucket> buckets_of(const json& j) {
  if (!j.is_array()) throw std::runtime_error("histogram buckets are not a list");
  std::vector<histogram::bucket> out;
  for (const auto& b : j) {
    out.push_back({whole<std::uint32_t>(b.at(0)), whole<std::uint64_t>(b.at(1))});
    if (out.size() > 1 && out[out.size() - 2].index >= out.back().index)
      throw std::runtime_error("histogram buckets out of order");
  }
  return out;
}

histogram histogram_of(const json& j) {
  auto h = histogram::restore(buckets_of(j.at("buckets")), whole<std::uint64_t>(j.at("min")),
                              whole<std::uint64_t>(j.at("max")), j.at("sum").get<double>());
  if (!h || h->count() != whole<std::uint64_t>(j.at("count")))
    throw std::runtime_error("a latency histogram does not add up");
  return *h;
}

run_info info_of(const json& j) {
  run_info i;
  info_fields(i, [&](const char* name, auto& v) { read(j.at(name), v); });
  // Instance 0: a merged run, which names its parts.
  if (i.instances == 0 || i.instances > 65536 || i.instance > i.instances ||
      (i.instance == 0) != !i.parts.empty())
    throw std::runtime_error("instance out of range");
  return i;
}

void totals_of(const json& t, results& r) {
  totals_fields(r, [&](const char* name, auto& v) { read(t.at(name), v); });
}

void series_of(const json& j, results& r) {
  for (const auto& e : j) {
    progress p;
    read(e.at("elapsed"), p.elapsed);
    read(e.at("sent"), p.sent);
    read(e.at("received"), p.received);
    read(e.at("in_flight"), p.in_flight);
    read(e.at("errors"), p.errors);
    read(e.at("new_errors"), p.new_errors);
    read(e.at("duplicates"), p.duplicates);
    p.latency = buckets_of(e.at("latency"));
    r.series.push_back(std::move(p));
  }
}

void check_records(const results& r);

void records_of(const json& j, results& r) {
  for (const auto& e : j.at("publishers"))
    r.publishers.push_back({whole<std::uint32_t>(e.at("index")),
                            whole<std::uint64_t>(e.at("taken")),
                            e.at("taken_by_second").get<std::vector<std::uint64_t>>(),
                            e.at("second_offset").get<std::int64_t>()});
  for (const auto& e : j.at("heard")) {
    heard_record h{whole<std::uint32_t>(e.at("publisher")),
                   whole<std::uint64_t>(e.at("subscribers")),
                   whole<std::uint64_t>(e.at("distinct")),
                   e.at("gaps").get<std::vector<std::pair<std::uint64_t, std::uint64_t>>>(),
                   {},
                   whole<std::uint64_t>(e.at("unplaced"))};
    std::uint64_t subscribers = 0;
    for (const auto& t : e.at("highest")) {
      const auto top = whole<std::uint64_t>(t.at(0));
      if (top >= std::uint64_t{1} << 62) throw std::runtime_error("a sequence number out of range");
      h.highest[top] += whole<std::uint64_t>(t.at(1));
      subscribers += whole<std::uint64_t>(t.at(1));
    }
    if (subscribers != h.subscribers)
      throw std::runtime_error("what subscribers heard does not add up");
    add_heard(r.heard, std::move(h));
  }
  for (const auto& e : j.at("instances"))
    r.instances.push_back(
        {e.at("name").get<std::string>(), e.at("second_offset").get<std::int64_t>(),
         e.at("sent_received").get<std::vector<std::pair<std::uint64_t, std::uint64_t>>>()});
  check_records(r);
}

// What merge and account() index or allocate by must be sane: a damaged file is refused here
// instead of asking for a terabyte of seconds later.
void check_records(const results& r) {
  constexpr std::int64_t most_seconds = 10'000'000; // 115 days
  auto offset_ok = [](std::int64_t o) { return o >= 0 && o <= most_seconds; };
  if (r.series.size() > most_seconds) throw std::runtime_error("too many seconds");
  for (const auto& p : r.publishers) {
    if (!offset_ok(p.second_offset) || p.taken_by_second.size() > most_seconds)
      throw std::runtime_error("a publisher's seconds are out of range");
    for (std::size_t k = 0; k < p.taken_by_second.size(); ++k)
      if (p.taken_by_second[k] > p.taken ||
          (k > 0 && p.taken_by_second[k] < p.taken_by_second[k - 1]))
        throw std::runtime_error("a publisher's per-second counts do not add up");
  }
  for (const auto& h : r.heard)
    for (const auto& [first, end] : h.gaps)
      if (first >= end) throw std::runtime_error("an empty or reversed missing range");
  for (const auto& i : r.instances)
    if (!offset_ok(i.second_offset) || i.sent_received.size() > most_seconds)
      throw std::runtime_error("an instance's seconds are out of range");
}

} // namespace

std::string saved_run_json(const run_info& info, const results& r) {
  json j;
  j["format"] = "mqtk-bench-run";
  j["format_version"] = saved_run_version;
  j["run"] = info_json(info);
  auto& totals = j["totals"] = json::object();
  totals_fields(r, [&](const char* name, const auto& v) { totals[name] = v; });
  j["latency_ns"] = {{"from_intended", histogram_json(r.from_intended)},
                     {"from_sent", histogram_json(r.from_sent)}};
  j["series"] = series_json(r.series);
  j["records"] = records_json(r);
  // Text from the user (a socket path, a host name) need not be UTF-8: replace, never throw.
  return j.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
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
  } catch (const std::exception& e) { // json errors, range checks, a file too big for memory
    return why = path + ": not a readable mqtk-bench run: " + e.what(), std::nullopt;
  }
}

} // namespace mqtk::app::bench
