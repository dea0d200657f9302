// SPDX-License-Identifier: MIT
// mqtk-sub's command line.
#include "sub/options.hpp"

#include <algorithm>
#include <fmt/format.h>

#include "common/cli.hpp"
#include "common/option_families.hpp"
#include "mqtk/topic/validate.hpp"
#include "sub/watch.hpp"

namespace mqtk::app::sub {
namespace {

struct raw {
  connection_flags conn;
  std::vector<std::string> topics, filter_out, unsubscribe;
  std::vector<unsigned> qos;       ///< each -q in order
  std::vector<unsigned> topic_qos; ///< with several -q: the one after each -t, in -t order
  std::string pairing_problem;     ///< why several -q do not pair with the -t options
  std::optional<unsigned> count, timeout, retain_handling;
  std::optional<std::uint32_t> subscription_id;
  output_flags out; ///< -v, -N, -j, --pretty, -F
  bool skip_retained = false, retained_only = false, remove_retained = false,
       exit_after_subscribe = false, no_local = false, retain_as_published = false, watch = false;
};

// -v, -F and -j choose one output: given on the command line, one replaces another taken from
// the options file (as mosquitto_sub lets -F win over -v), instead of the two conflicting.
void command_line_wins(const CLI::App& app, raw& o) {
  const bool v = app.count("-v") != 0, f = app.count("-F") != 0, j = app.count("-j") != 0;
  if ((f || j) && !v) o.out.verbose = false;
  if ((f || v) && !j) o.out.json = false;
  if ((v || j) && !f) o.out.format.clear();
}

// One -q is every topic's (mosquitto_sub's meaning); several pair up with the -t options, each
// -q giving the QoS of the -t right before it (as MQTTX and HiveMQ's mqtt-cli do).
void pair_qos(const CLI::App& app, raw& o) {
  if (app.count("-q") < 2) return;
  const CLI::Option* t = app.get_option("-t");
  const CLI::Option* q = app.get_option("-q");
  std::size_t topics = 0, qs = 0;
  std::vector<std::optional<unsigned>> paired;
  for (const CLI::Option* seen : app.parse_order()) {
    if (seen == t) {
      ++topics;
      paired.emplace_back();
    } else if (seen == q && qs < o.qos.size()) {
      const auto value = o.qos[qs++];
      if (topics == 0 || paired.back()) {
        o.pairing_problem = fmt::format("-q {} follows no -t of its own: with several -q, give "
                                        "one right after each -t",
                                        value);
        return;
      }
      paired.back() = value;
    }
  }
  for (std::size_t i = 0; i < paired.size(); ++i) {
    if (!paired[i]) {
      o.pairing_problem = fmt::format("-t {} has no -q after it: with several -q, give one right "
                                      "after each -t",
                                      i < o.topics.size() ? o.topics[i] : "");
      return;
    }
    o.topic_qos.push_back(*paired[i]);
  }
}

void after_parse(const CLI::App& app, raw& o) {
  command_line_wins(app, o);
  pair_qos(app, o);
}

void define_subscription(CLI::App& app, raw& o) {
  new_option_family(app);
  const char* g = "Subscription";
  app.add_option("-t,--topic", o.topics, "Topic filter to subscribe to (repeatable)")
      ->type_name("FILTER")
      ->group(g);
  app.add_option("-T,--filter-out", o.filter_out,
                 "Do not print messages whose topic matches (repeatable)")
      ->type_name("FILTER")
      ->group(g);
  app.add_option("-U,--unsubscribe", o.unsubscribe,
                 "Unsubscribe from FILTER first (with -c: from a persistent session)")
      ->type_name("FILTER")
      ->group(g);
  app.add_option("-q,--qos", o.qos,
                 "Maximum QoS to subscribe with (default 0); one -q is every topic's, several "
                 "give each -t the -q right after it: -t a -q 1 -t b -q 2")
      ->allow_extra_args(false) // one value per -q, so each can pair with its -t
      ->type_name("0|1|2")
      ->check(CLI::Range(0, 2))
      ->group(g);
  lazy_option_family(
      app, {"no-local", "retain-as-published", "retain-handling", "subscription-id"},
      [&app, &o, g] {
        app.add_flag("--no-local", o.no_local, "v5: do not receive our own client id's messages")
            ->group(g);
        app.add_flag("--retain-as-published", o.retain_as_published,
                     "v5: keep the retain flag as the publisher set it")
            ->group(g);
        app.add_option(
               "--retain-handling", o.retain_handling,
               "v5: 0 send retained messages (default), 1 only for a new subscription, 2 never")
            ->type_name("0|1|2")
            ->check(CLI::Range(0, 2))
            ->group(g);
        app.add_option("--subscription-id", o.subscription_id, "v5: Subscription Identifier")
            ->type_name("N")
            ->check(CLI::Range(1, 268435455))
            ->group(g);
      });
  new_option_family(app);
  app.add_flag("-E,--exit-after-subscribe", o.exit_after_subscribe,
               "Exit 0 once the subscriptions are acknowledged (with -c: prepare a session)")
      ->group(g);
}

void define(CLI::App& app, raw& o) {
  add_connection_flags(app, o.conn);
  define_subscription(app, o);
  new_option_family(app);
  const char* g = "Output";
  app.add_option("-C,--count", o.count,
                 "Exit 0 after N messages; at QoS 1/2 only those N are acknowledged, the rest "
                 "stay queued in a persistent session")
      ->type_name("N")
      ->check(CLI::Range(1u, 4000000000u))
      ->group(g);
  app.add_option("-W,--timeout", o.timeout, "Exit 6 if the count is not reached within SECONDS")
      ->type_name("SECONDS")
      ->check(CLI::Range(1u, 3600000u))
      ->group(g);
  app.add_flag("-R,--no-retained", o.skip_retained, "Do not print retained messages")->group(g);
  lazy_option_family(app, {"retained-only", "remove-retained", "watch"}, [&app, &o, g] {
    app.add_flag("--retained-only", o.retained_only,
                 "Print only retained messages; exit when a new one arrives")
        ->group(g);
    app.add_flag("--remove-retained", o.remove_retained,
                 "Clear each retained message received (publish an empty retained one)")
        ->group(g);
    app.add_flag("--watch", o.watch,
                 "A live table in the terminal: one row per topic with its latest payload (or -F's "
                 "text), count, rate and age, sorted by topic; q quits")
        ->group(g);
  });
  add_output_flags(app, o.out, g);
}

bool check_subscriptions(const raw& o, settings& s, std::string& why) {
  for (const auto& t : s.topics)
    if (auto ec = topic::validate_filter(t)) return why = "-t " + t + ": " + ec.message(), false;
  for (const auto& t : o.filter_out)
    if (auto ec = topic::validate_filter(t)) return why = "-T " + t + ": " + ec.message(), false;
  for (const auto& t : o.unsubscribe)
    if (auto ec = topic::validate_filter(t)) return why = "-U " + t + ": " + ec.message(), false;
  const bool v5 = s.conn.config.connect.version == codec::protocol_version::v5;
  if (!v5 && (o.no_local || o.retain_as_published || o.retain_handling || o.subscription_id))
    return why = "subscription options need MQTT 5 (-V 5)", false;
  if (!o.pairing_problem.empty()) return why = o.pairing_problem, false;
  if (!o.topic_qos.empty() && o.topic_qos.size() != s.topics.size())
    return why = "with several -q, give one right after each -t", false;
  const unsigned qos = o.qos.empty() ? 0 : o.qos.back();
  s.options = {static_cast<std::uint8_t>(qos), o.no_local, o.retain_as_published,
               static_cast<std::uint8_t>(o.retain_handling.value_or(0))};
  for (const auto q : o.topic_qos)
    s.topic_qos.push_back(static_cast<std::uint8_t>(q));
  s.subscribe_props = s.conn.props.subscribe;
  if (o.subscription_id) s.subscribe_props.subscription_identifiers = {*o.subscription_id};
  return true;
}

bool check_watch(const raw& o, std::string& why) {
  if (!o.watch) return true;
  if (o.out.json || o.out.verbose)
    return why = "--watch shows a table: it excludes -j and -v (-F sets its payload column)", false;
  if (!stdout_is_terminal())
    return why = "--watch needs a terminal, and standard output is not one (in a pipe use -v, -j "
                 "or -F)",
           false;
  return true;
}

bool check_output(const raw& o, std::string& why) {
  if (!check_watch(o, why)) return false;
  if (o.skip_retained && o.retained_only)
    return why = "-R and --retained-only exclude each other", false;
  return check_output_flags(o.out, why);
}

std::optional<settings> validate(const raw& o, std::string& why) {
  settings s;
  auto conn = to_settings(o.conn, "mqtk-sub", why);
  if (!conn) return std::nullopt;
  s.conn = std::move(*conn);
  s.topics = o.topics;
  if (s.topics.empty() && s.conn.url_topic) s.topics.push_back(*s.conn.url_topic);
  if (s.topics.empty() && o.unsubscribe.empty())
    return why = "no topic: give -t FILTER (repeatable)", std::nullopt;
  if (!check_subscriptions(o, s, why) || !check_output(o, why)) return std::nullopt;
  s.filter_out = o.filter_out;
  s.unsubscribe = o.unsubscribe;
  s.count = o.count;
  if (s.count && *s.count > 0 &&
      std::any_of(o.qos.begin(), o.qos.end(), [](unsigned q) { return q > 0; })) {
    // -C N acknowledges only what it printed, and asks an MQTT 5 server for no more than N at
    // a time: the rest stays queued in the session for the next run, as with mosquitto_sub.
    s.conn.config.manual_ack = true;
    auto& c = s.conn.config.connect;
    const auto cap = static_cast<std::uint16_t>(std::min<unsigned>(*s.count, 65'535));
    if (c.version == codec::protocol_version::v5 && c.props.receive_maximum.value_or(65'535) > cap)
      c.props.receive_maximum = cap;
  }
  s.timeout = o.timeout;
  static_cast<output_flags&>(s.output) = o.out;
  s.output.colour = s.conn.colour_out;
  s.skip_retained = o.skip_retained;
  s.retained_only = o.retained_only;
  s.remove_retained = o.remove_retained;
  s.exit_after_subscribe = o.exit_after_subscribe || s.topics.empty();
  s.watch = o.watch;
  return s;
}

} // namespace

std::optional<settings> parse(int argc, char** argv, int& exit_status) {
  return parse_tool<raw, settings>("mqtk-sub",
                                   "mqtk-sub: subscribe to MQTT topics and print what arrives",
                                   manual, argc, argv, exit_status, define, validate);
}

} // namespace mqtk::app::sub
