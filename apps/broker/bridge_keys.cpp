// SPDX-License-Identifier: MIT
// mosquitto.conf's bridge blocks: `connection NAME` and the keys below it, into bridge_config.
#include <algorithm>
#include <cctype>
#include <charconv>

#include <fmt/format.h>

#include "broker/config_file.hpp"
#include "mqtk/topic/validate.hpp"

namespace mqtk::app::broker {
namespace {

using words = std::vector<std::string>;
using mqtk::bridge::bridge_config;

template <class T>
bool number(const std::string& s, T& out) {
  const auto* end = s.data() + s.size();
  auto [p, ec] = std::from_chars(s.data(), end, out);
  return ec == std::errc{} && p == end;
}

std::string one_bool(const words& w, bool& out) {
  if (w.size() == 1 && w[0] == "true") return out = true, std::string{};
  if (w.size() == 1 && w[0] == "false") return out = false, std::string{};
  return "needs true or false";
}

std::string one_word(const words& w, std::string& out) {
  if (w.size() != 1) return "needs one value";
  out = w[0];
  return {};
}

// mosquitto writes "" for an empty prefix or pattern.
std::string unquoted(const std::string& s) {
  return s == "\"\"" ? std::string{} : s;
}

std::string topic_line(const words& w, bridge_config& b) {
  if (w.empty() || w.size() > 5) return "needs PATTERN [in|out|both] [QOS] [LOCAL] [REMOTE]";
  mqtk::bridge::topic_rule r;
  r.pattern = unquoted(w[0]);
  if (w.size() > 1) {
    std::string d = w[1]; // mosquitto compares without case
    std::transform(d.begin(), d.end(), d.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    if (d == "in")
      r.dir = mqtk::bridge::direction::in;
    else if (d == "out")
      r.dir = mqtk::bridge::direction::out;
    else if (d == "both")
      r.dir = mqtk::bridge::direction::both;
    else
      return "direction '" + w[1] + "': use in, out or both";
  }
  if (w.size() > 2 && (!number(w[2], r.qos) || r.qos > 2))
    return "QoS '" + w[2] + "': use 0, 1 or 2";
  if (w.size() > 3) r.local_prefix = unquoted(w[3]);
  if (w.size() > 4) r.remote_prefix = unquoted(w[4]);
  if (r.pattern.empty() && r.local_prefix.empty() && r.remote_prefix.empty())
    return "an empty pattern needs a local or remote prefix naming the topic";
  for (const auto& side : {r.local_prefix + r.pattern, r.remote_prefix + r.pattern})
    if (topic::validate_filter(side)) return "'" + side + "' is not a valid topic filter";
  b.topics.push_back(std::move(r));
  return {};
}

std::string restart_timeout(const words& w, bridge_config& b) {
  unsigned first = 0, second = 0;
  if (w.empty() || w.size() > 2 || !number(w[0], first) || first == 0 ||
      (w.size() == 2 && (!number(w[1], second) || second < first)))
    return "needs SECONDS, or BASE CAP seconds (BASE <= CAP)";
  b.restart_base = std::chrono::seconds(first);
  b.restart_cap = std::chrono::seconds(w.size() == 2 ? second : first);
  b.restart_backoff = w.size() == 2;
  return {};
}

std::string start(const words& w, bridge_config& b) {
  if (w.size() == 1 && w[0] == "automatic")
    return b.start = mqtk::bridge::start_type::automatic, "";
  if (w.size() == 1 && w[0] == "lazy") return b.start = mqtk::bridge::start_type::lazy, "";
  if (w.size() == 1 && w[0] == "once") return b.start = mqtk::bridge::start_type::once, "";
  return "needs automatic, lazy or once";
}

std::string version(const words& w, bridge_config& b) {
  if (w.size() == 1 && w[0] == "mqttv311") return b.mqtt5 = false, "";
  if (w.size() == 1 && w[0] == "mqttv50") return b.mqtt5 = true, "";
  return "needs mqttv311 or mqttv50 (mqttv31 is not spoken)";
}

template <class T>
std::string count(const words& w, T& out, T least, const char* what) {
  if (w.size() != 1 || !number(w[0], out) || out < least) return fmt::format("needs {}", what);
  return {};
}

std::string seconds(const words& w, std::chrono::seconds& out) {
  unsigned v = 0;
  if (auto e = count(w, v, 1u, "seconds"); !e.empty()) return e;
  out = std::chrono::seconds(v);
  return {};
}

const bridge_key bridge_table[] = {
    {"address", "HOST[:PORT]|URL ...",
     "Where the other broker is: one or more of host, host:port, [IPv6]:port, or an mqtt://, "
     "mqtts://, ws:// or wss:// URL (mosquitto has no WebSocket bridges), tried in turn.",
     [](const words& w, bridge_config& b) -> std::string {
       if (w.empty()) return "needs at least one address";
       b.addresses.insert(b.addresses.end(), w.begin(), w.end());
       return {};
     }},
    {"topic", "PATTERN [in|out|both] [QOS] [LOCAL_PREFIX] [REMOTE_PREFIX]",
     "What crosses the bridge (repeatable): out sends local messages on LOCAL_PREFIX+PATTERN as "
     "REMOTE_PREFIX+PATTERN, in the other way, both each way; QoS is the most a message keeps "
     "(default out 0); \"\" is an empty prefix, or, as PATTERN, a single topic named by the "
     "prefixes.",
     topic_line},
    {"round_robin", "true|false",
     "false (default): the first address is the main one, gone back to after each lost "
     "connection; true: the next address after a failure, kept while it works.",
     [](const words& w, bridge_config& b) { return one_bool(w, b.round_robin); }},
    {"remote_clientid", "ID", "The bridge's client id at the other broker (default HOST.NAME).",
     [](const words& w, bridge_config& b) { return one_word(w, b.remote_clientid); }},
    {"remote_username", "USER", "User name at the other broker.",
     [](const words& w, bridge_config& b) -> std::string {
       std::string v;
       auto e = one_word(w, v);
       if (e.empty()) b.remote_username = v;
       return e;
     }},
    {"remote_password", "PASSWORD", "Password at the other broker (needs remote_username).",
     [](const words& w, bridge_config& b) -> std::string {
       std::string v;
       auto e = one_word(w, v);
       if (e.empty()) b.remote_password = v;
       return e;
     }},
    {"local_clientid", "ID",
     "The bridge's name in this broker (default local.REMOTE_CLIENTID); clients cannot take it.",
     [](const words& w, bridge_config& b) { return one_word(w, b.local_clientid); }},
    {"cleansession", "true|false",
     "false (default): the other broker keeps the bridge's subscriptions and messages while the "
     "link is down; true: both start afresh at each connection.",
     [](const words& w, bridge_config& b) { return one_bool(w, b.cleansession); }},
    {"bridge_protocol_version", "mqttv311|mqttv50",
     "The MQTT version spoken to the other broker "
     "(default mqttv311).",
     version},
    {"keepalive_interval", "SECONDS", "Keep-alive towards the other broker (default 60, least 5).",
     [](const words& w, bridge_config& b) {
       return count(w, b.keepalive, std::uint16_t{5}, "seconds, 5 or more");
     }},
    {"restart_timeout", "SECONDS | BASE CAP",
     "Wait before reconnecting: a constant, or a random back-off from BASE growing up to CAP "
     "(default 5 30).",
     restart_timeout},
    {"start_type", "automatic|lazy|once",
     "automatic (default): connect at start and after every loss; lazy: connect once threshold "
     "messages wait, disconnect after idle_timeout idle; once: connect at start, never again.",
     start},
    {"threshold", "COUNT", "start_type lazy: messages waiting that start the link (default 10).",
     [](const words& w, bridge_config& b) {
       return count(w, b.threshold, std::size_t{1}, "a count");
     }},
    {"idle_timeout", "SECONDS", "start_type lazy: idle seconds before disconnecting (default 60).",
     [](const words& w, bridge_config& b) { return seconds(w, b.idle_timeout); }},
    {"try_private", "true|false",
     "MQTT 3.1.1: tell the other broker this is a bridge (the top bit of the protocol level), "
     "so it does not send the bridge's own messages back (default true).",
     [](const words& w, bridge_config& b) { return one_bool(w, b.try_private); }},
    {"notifications", "true|false",
     "Publish the link's state, retained, 1 up and 0 down (0 also as the bridge's will at the "
     "other broker), here and there (default true).",
     [](const words& w, bridge_config& b) { return one_bool(w, b.notifications); }},
    {"notifications_local_only", "true|false", "Notifications here only (default false).",
     [](const words& w, bridge_config& b) { return one_bool(w, b.notifications_local_only); }},
    {"notification_topic", "TOPIC",
     "Where notifications go (default $SYS/broker/connection/REMOTE_CLIENTID/state).",
     [](const words& w, bridge_config& b) -> std::string {
       if (auto e = one_word(w, b.notification_topic); !e.empty()) return e;
       return topic::validate_name(b.notification_topic) ? "not a valid topic name" : "";
     }},
    {"bridge_cafile", "FILE", "CA certificates (PEM) to check the other broker; turns TLS on.",
     [](const words& w, bridge_config& b) { return one_word(w, b.cafile); }},
    {"bridge_capath", "DIR", "A directory of CA certificates; turns TLS on.",
     [](const words& w, bridge_config& b) { return one_word(w, b.capath); }},
    {"bridge_certfile", "FILE", "The bridge's own certificate (PEM), for mutual TLS.",
     [](const words& w, bridge_config& b) { return one_word(w, b.certfile); }},
    {"bridge_keyfile", "FILE", "The key of bridge_certfile (PEM).",
     [](const words& w, bridge_config& b) { return one_word(w, b.keyfile); }},
    {"bridge_insecure", "true|false",
     "Do not check the other broker's host name in its certificate (default false).",
     [](const words& w, bridge_config& b) { return one_bool(w, b.insecure); }},
    {"bridge_tls_version", "tlsv1.2|tlsv1.3", "The least TLS version (default tlsv1.2).",
     [](const words& w, bridge_config& b) { return one_word(w, b.tls_version); }},
    {"bridge_alpn", "PROTOCOLS", "ALPN protocol names offered, comma-separated.",
     [](const words& w, bridge_config& b) { return one_word(w, b.alpn); }},
    {"bridge_max_packet_size", "BYTES",
     "The largest packet taken from the other broker (MQTT 5 announces it; default no limit).",
     [](const words& w, bridge_config& b) {
       return count(w, b.max_packet_size, std::uint32_t{2}, "bytes");
     }},
    {"bridge_outgoing_retain", "true|false",
     "Keep the RETAIN flag of messages sent to the other broker (default true); false for "
     "brokers that refuse retained messages.",
     [](const words& w, bridge_config& b) { return one_bool(w, b.outgoing_retain); }},
};

// Keys of mosquitto's bridge blocks that need nothing here, and those that cannot work.
struct other_key {
  const char* key;
  bool accepted;
  const char* what;
};
const other_key bridge_others[] = {
    {"local_username", true, "a bridge needs no log-in to this broker: it is in-process"},
    {"local_password", true, "a bridge needs no log-in to this broker: it is in-process"},
    {"local_cleansession", true, "the bridge's session here lasts as long as the broker runs"},
    {"bridge_attempt_unsubscribe", true,
     "the bridge subscribes at the other broker only to in and both topics"},
    {"bridge_bind_address", false, "not supported: the kernel picks the source address"},
    {"bridge_identity", false, "TLS-PSK is not supported: use bridge_certfile and bridge_keyfile"},
    {"bridge_psk", false, "TLS-PSK is not supported: use bridge_certfile and bridge_keyfile"},
    {"bridge_require_ocsp", false, "OCSP is not supported"},
};

// mosquitto's older names of some keys.
const std::pair<const char*, const char*> aliases[] = {{"addresses", "address"},
                                                       {"clientid", "remote_clientid"},
                                                       {"username", "remote_username"},
                                                       {"password", "remote_password"}};

} // namespace

std::span<const bridge_key> bridge_keys() noexcept {
  return bridge_table;
}

bool read_bridge_line(std::string key, const words& args, file_settings& f, std::string& why) {
  if (key == "connection") {
    if (args.size() != 1) return why = "connection needs one NAME", true;
    for (const auto& b : f.bridges)
      if (b.name == args[0]) return why = "connection " + args[0] + " is named twice", true;
    bridge_config b;
    b.name = args[0];
    f.bridges.push_back(std::move(b));
    return true;
  }
  for (const auto& [old, now] : aliases)
    if (key == old) key = now;
  const auto* k = std::find_if(std::begin(bridge_table), std::end(bridge_table),
                               [&](const bridge_key& b) { return key == b.key; });
  const auto* o = std::find_if(std::begin(bridge_others), std::end(bridge_others),
                               [&](const other_key& b) { return key == b.key; });
  if (k == std::end(bridge_table) && o == std::end(bridge_others)) return false;
  if (f.bridges.empty())
    return why = "'" + key + "' belongs to a bridge: put 'connection NAME' above it", true;
  if (o != std::end(bridge_others)) {
    if (!o->accepted) return why = fmt::format("'{}': {}", key, o->what), true;
    f.warnings.push_back(fmt::format("{} is not needed: {}", key, o->what));
    return true;
  }
  if (auto e = k->apply(args, f.bridges.back()); !e.empty()) why = key + " " + e;
  return true;
}

} // namespace mqtk::app::broker
