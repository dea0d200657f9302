// SPDX-License-Identifier: MIT
// mqtk-broker's config keys (a mosquitto.conf subset): each key's parser and manual text.
#include "broker/config_file.hpp"

#include <charconv>

#include "mqtk/topic/validate.hpp"

namespace mqtk::app::broker {
namespace {

template <class T>
bool number(const std::string& s, T& out) {
  const auto* end = s.data() + s.size();
  auto [p, ec] = std::from_chars(s.data(), end, out);
  return ec == std::errc{} && p == end;
}

bool boolean(const std::string& s, bool& out) {
  if (s == "true") return out = true, true;
  if (s == "false") return out = false, true;
  return false;
}

using field_error = std::string; // empty: the value was taken

// Design: one table is both the parser and mqtk-broker.conf(5) (`mqtk-broker --generate
// conf-man`), so the manual cannot describe a key the parser does not take.
// The listener a per-listener key (certfile, protocol, ...) belongs to: the last one above it.
listener* current(file_settings& f) {
  return f.listeners.empty() ? nullptr : &f.listeners.back();
}

// A per-listener key taking one value into `member` of the current listener's TLS options.
template <std::string transport::tls_options::*member>
field_error tls_value(const std::string& a, const std::string& b, file_settings& f) {
  auto* l = current(f);
  if (!l) return "TLS keys belong to a listener: put 'listener PORT' above them";
  if (a.empty() || !b.empty()) return "expected one value";
  l->tls.*member = a;
  return {};
}

field_error listener_flag(const std::string& a, const std::string& b, file_settings& f,
                          bool listener::*member, bool tls_member) {
  auto* l = current(f);
  bool v = false;
  if (!l) return "this key belongs to a listener: put 'listener PORT' above it";
  if (!boolean(a, v) || !b.empty()) return "expected true or false";
  if (tls_member) {
    l->tls.verify_peer = v;
    l->tls.require_peer_cert = v;
  } else {
    l->*member = v;
  }
  return {};
}

// A count or size where 0 means no limit, into `member`.
template <std::optional<std::size_t> file_settings::*member>
field_error limit_value(const std::string& a, const std::string& b, file_settings& f) {
  std::size_t v;
  if (!number(a, v) || !b.empty()) return "expected one number (0: no limit)";
  f.*member = v == 0 ? SIZE_MAX : v;
  return {};
}

// Where an access key goes: the listener above it, if any (used per listener only with
// per_listener_settings true; merged into the broker's otherwise).
security_files& security_of(file_settings& f) {
  return f.listeners.empty() ? f.security : f.listeners.back().security;
}

const config_key keys[] = {
    {"listener", "PORT [ADDRESS]",
     "Listen on ADDRESS:PORT (default address 127.0.0.1; localhost is 127.0.0.1). Repeatable.",
     [](const std::string& a, const std::string& b, file_settings& f) -> field_error {
       listener l;
       if (!number(a, l.port)) return "listener needs a port number";
       l.address = b.empty() || b == "localhost" ? "127.0.0.1" : b;
       l.default_address = b.empty();
       f.listeners.push_back(l);
       return {};
     }},
    {"mount_point", "PREFIX",
     "The listener above's clients live under PREFIX, as in mosquitto: it is put before their "
     "topics and filters and taken off the topics they are sent, so they see nothing outside "
     "it. PREFIX is a topic name (no + or #), usually ending in /.",
     [](const std::string& a, const std::string& b, file_settings& f) -> field_error {
       auto* l = current(f);
       if (!l) return "mount_point belongs to a listener: put 'listener PORT' above it";
       if (a.empty() || !b.empty() || topic::validate_name(a) || a.starts_with("$"))
         return "mount_point needs a topic prefix without +, # or a leading $";
       l->mount_point = a;
       return {};
     }},
    {"socket_domain", "ipv4|ipv6",
     "The address family of the listener above when it names no address: ipv4 listens on "
     "127.0.0.1 (the default), ipv6 on ::1. With an address, it must agree with it.",
     [](const std::string& a, const std::string& b, file_settings& f) -> field_error {
       auto* l = current(f);
       if (!l) return "socket_domain belongs to a listener: put 'listener PORT' above it";
       if ((a != "ipv4" && a != "ipv6") || !b.empty()) return "socket_domain is ipv4 or ipv6";
       const bool v6 = l->address.find(':') != std::string::npos;
       if (l->default_address) {
         l->address = a == "ipv6" ? "::1" : "127.0.0.1";
         return {};
       }
       if (v6 != (a == "ipv6"))
         return "socket_domain " + a + " disagrees with the listener's address " + l->address;
       return {};
     }},
    {"protocol", "mqtt|websockets",
     "What the listener above speaks: MQTT over TCP (default) or MQTT over WebSocket (with "
     "certfile, secure WebSocket).",
     [](const std::string& a, const std::string& b, file_settings& f) -> field_error {
       auto* l = current(f);
       if (!l) return "protocol belongs to a listener: put 'listener PORT' above it";
       if ((a != "mqtt" && a != "websockets") || !b.empty())
         return "protocol is mqtt or websockets";
       l->websocket = a == "websockets";
       return {};
     }},
    {"certfile", "FILE",
     "The listener's certificate chain (PEM); with keyfile, the listener speaks TLS.",
     tls_value<&transport::tls_options::certfile>},
    {"keyfile", "FILE", "The private key (PEM) of certfile.",
     tls_value<&transport::tls_options::keyfile>},
    {"cafile", "FILE", "CA certificates (PEM) that client certificates are checked against.",
     tls_value<&transport::tls_options::cafile>},
    {"capath", "DIR", "A directory of hashed CA certificates, as cafile.",
     tls_value<&transport::tls_options::capath>},
    {"tls_version", "tlsv1.1|tlsv1.2|tlsv1.3", "The lowest TLS version accepted (default tlsv1.2).",
     tls_value<&transport::tls_options::min_version>},
    {"ciphers", "LIST", "OpenSSL cipher list (TLS 1.2) or TLS 1.3 suites.",
     tls_value<&transport::tls_options::ciphers>},
    {"ciphers_tls1.3", "SUITES",
     "TLS 1.3 suites, as mosquitto's; taken as the listener's ciphers when it has none (the "
     "ciphers key takes TLS 1.3 suites too).",
     [](const std::string& a, const std::string& b, file_settings& f) -> field_error {
       auto* l = current(f);
       if (!l) return "ciphers_tls1.3 belongs to a listener: put 'listener PORT' above it";
       if (a.empty() || !b.empty()) return "ciphers_tls1.3 needs one list of suites";
       if (!l->tls.ciphers.empty()) {
         f.warnings.push_back("ciphers_tls1.3 beside ciphers: one list is taken, ciphers'; the "
                              "TLS 1.3 suites stay OpenSSL's defaults unless ciphers names them");
         return {};
       }
       l->tls.ciphers = a;
       return {};
     }},
    {"require_certificate", "true|false",
     "Clients must present a certificate signed by cafile (mutual TLS; default false).",
     [](const std::string& a, const std::string& b, file_settings& f) -> field_error {
       return listener_flag(a, b, f, nullptr, true);
     }},
    {"use_identity_as_username", "true|false",
     "The client certificate's Common Name is the user name; needs require_certificate.",
     [](const std::string& a, const std::string& b, file_settings& f) -> field_error {
       return listener_flag(a, b, f, &listener::identity_as_username, false);
     }},
    {"port", "PORT", "Listen on PORT at bind_address (mosquitto's older form).",
     [](const std::string& a, const std::string& b, file_settings& f) -> field_error {
       std::uint16_t p;
       if (!number(a, p) || !b.empty()) return "port needs one port number";
       f.port = p;
       return {};
     }},
    {"bind_address", "ADDRESS", "The address for port (default 127.0.0.1).",
     [](const std::string& a, const std::string& b, file_settings& f) -> field_error {
       if (a.empty() || !b.empty()) return "bind_address needs one address";
       f.bind_address = a;
       return {};
     }},
    {"allow_anonymous", "true|false",
     "Accept clients without a user name. Default: false where a password_file applies, else "
     "true, and then only loopback listeners may be used unless this is said.",
     [](const std::string& a, const std::string& b, file_settings& f) -> field_error {
       bool v;
       if (!boolean(a, v) || !b.empty()) return "allow_anonymous takes true or false";
       security_of(f).allow_anonymous = v;
       return {};
     }},
    {"password_file", "FILE",
     "Users and password hashes, as mosquitto_passwd or mqtk-passwd write them; clients must "
     "give a user name and password that match. Read again on SIGHUP.",
     [](const std::string& a, const std::string& b, file_settings& f) -> field_error {
       if (a.empty() || !b.empty()) return "password_file needs one file name";
       security_of(f).password_file = a;
       return {};
     }},
    {"acl_file", "FILE",
     "Which topics each client may read and write (mosquitto's format: topic, user and "
     "pattern lines); what no line grants is refused. Read again on SIGHUP.",
     [](const std::string& a, const std::string& b, file_settings& f) -> field_error {
       if (a.empty() || !b.empty()) return "acl_file needs one file name";
       security_of(f).acl_file = a;
       return {};
     }},
    {"per_listener_settings", "true|false",
     "true: allow_anonymous, password_file and acl_file written under a listener apply to "
     "that listener only (default false: to the whole broker, wherever written).",
     [](const std::string& a, const std::string& b, file_settings& f) -> field_error {
       bool v;
       if (!boolean(a, v) || !b.empty()) return "per_listener_settings takes true or false";
       f.per_listener_settings = v;
       return {};
     }},
    {"max_connections", "N",
     "Simultaneous client connections; one more is refused with CONNACK Quota exceeded (v5) or "
     "Server unavailable (3.1.1). -1: no limit (default 100000).",
     [](const std::string& a, const std::string& b, file_settings& f) -> field_error {
       long long v = 0;
       if (!number(a, v) || !b.empty() || v == 0 || v < -1)
         return "max_connections needs a number from 1, or -1 for no limit";
       f.max_connections = v < 0 ? std::size_t{10'000'000} : static_cast<std::size_t>(v);
       return {};
     }},
    {"max_packet_size", "BYTES",
     "The largest packet accepted (at least 20; 0 or the default: MQTT's own limit, 268435460, "
     "as mosquitto; memory is bounded by max_receiving_bytes).",
     [](const std::string& a, const std::string& b, file_settings& f) -> field_error {
       std::uint32_t v;
       if (!number(a, v) || (v != 0 && v < 20) || v > 268'435'460 || !b.empty())
         return "max_packet_size needs 0 or a number from 20 to 268435460";
       f.max_packet_size = v == 0 ? 268'435'460 : v;
       return {};
     }},
    {"message_size_limit", "BYTES",
     "The largest payload taken (0: any, the default). A larger one is not delivered, though "
     "its QoS flow completes (MQTT 5: PUBACK or PUBREC 0x83), as in mosquitto; counted as "
     "dropped/too_large.",
     [](const std::string& a, const std::string& b, file_settings& f) -> field_error {
       std::size_t v;
       if (!number(a, v) || !b.empty()) return "message_size_limit needs a number (0: no limit)";
       f.message_size_limit = v;
       return {};
     }},
    {"max_receiving_bytes", "BYTES",
     "Memory for packets over 1 MiB being received, across all clients, counted as twice each "
     "packet (default 536870912). A client whose large packet would pass it is not read until "
     "others complete; a large packet must arrive at 1 MiB per 30 s at least.",
     [](const std::string& a, const std::string& b, file_settings& f) -> field_error {
       std::size_t v;
       if (!number(a, v) || v == 0 || !b.empty()) return "max_receiving_bytes needs a number >= 1";
       f.max_receiving_bytes = v;
       return {};
     }},
    {"max_inflight_messages", "N",
     "QoS 1 and 2 messages in flight per client (default 100; 0: as many as MQTT allows, "
     "65535, as mosquitto).",
     [](const std::string& a, const std::string& b, file_settings& f) -> field_error {
       std::uint16_t v;
       if (!number(a, v) || !b.empty())
         return "max_inflight_messages needs a number from 0 to 65535";
       f.max_inflight = v == 0 ? std::uint16_t{65535} : v;
       return {};
     }},
    {"max_inflight_bytes", "BYTES",
     "Payload bytes of QoS 1 and 2 messages in flight per client before no new one goes, "
     "besides max_inflight_messages (0: no byte limit, the default; one message always may).",
     [](const std::string& a, const std::string& b, file_settings& f) -> field_error {
       std::size_t v;
       if (!number(a, v) || !b.empty()) return "max_inflight_bytes needs a number (0: no limit)";
       f.max_inflight_bytes = v;
       return {};
     }},
    {"max_queued_messages", "N", "Messages queued per client (default 1000).",
     [](const std::string& a, const std::string& b, file_settings& f) -> field_error {
       std::size_t v;
       if (!number(a, v) || !b.empty()) return "max_queued_messages needs a number";
       f.max_queued = v;
       return {};
     }},
    {"max_queued_bytes", "BYTES",
     "Bytes of payload queued per client; 0: no limit beyond max_queued_messages (default "
     "67108864). With --drop-when-full, also the QoS 0 bytes a busy socket may hold.",
     limit_value<&file_settings::max_queued_bytes>},
    {"max_queued_bytes_total", "BYTES",
     "Payload bytes of QoS 1/2 messages queued across all clients; when reached, publishers are "
     "held back in turn, and messages for offline or slow clients are dropped. 0: no limit "
     "(default 1073741824).",
     limit_value<&file_settings::max_queued_bytes_total>},
    {"max_retained_messages", "N",
     "Retained messages kept at most; over it a new retained topic is not kept (MQTT 5 QoS 1/2: "
     "refused with 0x97) and counted. 0: no limit (default).",
     limit_value<&file_settings::max_retained_messages>},
    {"max_retained_bytes", "BYTES",
     "Topic and payload bytes of all retained messages at most, enforced like "
     "max_retained_messages. 0: no limit (default).",
     limit_value<&file_settings::max_retained_bytes>},
    {"slow_consumer_timeout", "SECONDS",
     "A client whose backlog is full and that takes nothing for this long is a slow consumer: it "
     "no longer pauses publishers, and what its queue cannot hold is dropped for it alone. 0: "
     "never (default 1).",
     [](const std::string& a, const std::string& b, file_settings& f) -> field_error {
       double v;
       if (!number(a, v) || v < 0 || v > 3600 || !b.empty())
         return "slow_consumer_timeout needs seconds from 0 to 3600";
       f.slow_consumer_timeout = v;
       return {};
     }},
    {"slow_consumer_disconnect", "true|false",
     "Disconnect slow consumers (MQTT 5: DISCONNECT 0x97 Quota exceeded); a persistent session "
     "then queues offline (default false).",
     [](const std::string& a, const std::string& b, file_settings& f) -> field_error {
       bool v;
       if (!boolean(a, v) || !b.empty()) return "slow_consumer_disconnect takes true or false";
       f.slow_consumer_disconnect = v;
       return {};
     }},
    {"max_keepalive", "SECONDS",
     "The largest keep-alive accepted; MQTT 5 clients asking for more are told this.",
     [](const std::string& a, const std::string& b, file_settings& f) -> field_error {
       std::uint16_t v;
       if (!number(a, v) || v == 0 || !b.empty())
         return "max_keepalive needs seconds from 1 to 65535";
       f.max_keep_alive = v;
       return {};
     }},
    {"persistence", "true|false",
     "Keep sessions, their queued messages and retained messages across restarts and crashes, "
     "in an SQLite database (see persistence_file). Every change is saved before it is "
     "acknowledged (default false).",
     [](const std::string& a, const std::string& b, file_settings& f) -> field_error {
       bool v;
       if (!boolean(a, v) || !b.empty()) return "persistence takes true or false";
       f.persistence = v;
       return {};
     }},
    {"persistence_location", "DIR", "The directory of the database (default: the current one).",
     [](const std::string& a, const std::string& b, file_settings& f) -> field_error {
       if (a.empty() || !b.empty()) return "persistence_location needs one directory";
       f.persistence_location = a;
       return {};
     }},
    {"persistence_file", "NAME",
     "The database's file name in persistence_location (default "
     "mqtk.db; mosquitto's own mosquitto.db format is not read). One broker uses it at a "
     "time: a second one on the same file is refused.",
     [](const std::string& a, const std::string& b, file_settings& f) -> field_error {
       if (a.empty() || !b.empty() || a.find('/') != std::string::npos)
         return "persistence_file needs one file name (the directory is persistence_location)";
       f.persistence_file = a;
       return {};
     }},
    {"persistence_sync", "normal|full",
     "mqtk's own key. normal: a saved change survives a crash of the broker (the default); "
     "full: it also survives a power loss (an fsync per saved batch, slower).",
     [](const std::string& a, const std::string& b, file_settings& f) -> field_error {
       if ((a != "normal" && a != "full") || !b.empty())
         return "persistence_sync is normal or full";
       f.persistence_sync = a;
       return {};
     }},
    {"persistence_log_bytes", "BYTES",
     "mqtk's own key. Changes are saved to a log and folded into the database's tables once the "
     "log holds this many bytes; a restart replays at most this much. Smaller: shorter "
     "restarts, more work per message (default 4194304).",
     [](const std::string& a, const std::string& b, file_settings& f) -> field_error {
       std::size_t v;
       if (!number(a, v) || v > (std::size_t{1} << 30) || !b.empty())
         return "persistence_log_bytes needs a size from 0 to 1073741824";
       f.persistence_log_bytes = v;
       return {};
     }},
    {"autosave_interval", "SECONDS",
     "Accepted and not needed: mqtk-broker saves every change as it happens, not in snapshots.",
     [](const std::string&, const std::string&, file_settings& f) -> field_error {
       f.warnings.push_back("autosave_interval is not needed: every change is saved as it "
                            "happens, before it is acknowledged");
       return {};
     }},
    {"autosave_on_changes", "true|false", "Accepted and not needed, as autosave_interval.",
     [](const std::string&, const std::string&, file_settings& f) -> field_error {
       f.warnings.push_back("autosave_on_changes is not needed: every change is saved as it "
                            "happens, before it is acknowledged");
       return {};
     }},
    {"pid_file", "FILE", "Write the broker's process id to FILE once it listens; removed at exit.",
     [](const std::string& a, const std::string& b, file_settings& f) -> field_error {
       if (a.empty() || !b.empty()) return "pid_file needs one file name";
       f.pid_file = a;
       return {};
     }},
    {"set_tcp_nodelay", "true|false",
     "TCP_NODELAY on client sockets (default true, unlike mosquitto's false: mqtk-broker "
     "coalesces its writes itself, and Nagle's delay would only add latency).",
     [](const std::string& a, const std::string& b, file_settings& f) -> field_error {
       bool v;
       if (!boolean(a, v) || !b.empty()) return "set_tcp_nodelay takes true or false";
       f.tcp_nodelay = v;
       return {};
     }},
    {"retain_available", "true|false",
     "false refuses retained messages, as mosquitto: MQTT 5 clients are told in CONNACK, a "
     "retained PUBLISH disconnects its client (MQTT 5: 0x9A) and a retained will refuses the "
     "CONNECT.",
     [](const std::string& a, const std::string& b, file_settings& f) -> field_error {
       bool v;
       if (!boolean(a, v) || !b.empty()) return "retain_available takes true or false";
       f.retain_available = v;
       return {};
     }},
    {"user", "NAME",
     "When started as root, change to user NAME and its groups once the listeners are bound "
     "(as mosquitto; an empty value keeps root). The store, the password and ACL files, and on "
     "SIGHUP the certificates, are then read as NAME. Without it the broker keeps the user it "
     "was started as.",
     [](const std::string& a, const std::string& b, file_settings& f) -> field_error {
       if (!b.empty()) return "user needs one user name";
       f.user = a == "\"\"" ? std::string() : a; // `user ""`: no change, as mosquitto
       return {};
     }},
    {"log_dest", "stderr|stdout|file PATH|syslog|none",
     "Where the log goes (default stderr); repeatable, each destination gets every line. "
     "syslog uses the daemon facility (log_facility N: localN), with the level as priority. "
     "topic and dlt are taken as stderr, with a warning.",

     [](const std::string& a, const std::string& b, file_settings& f) -> field_error {
       if (a == "file") {
         if (b.empty()) return "log_dest file needs a path";
         f.log_dest.push_back("file:" + b);
       } else if (a == "stderr" || a == "stdout" || a == "none") {
         if (!b.empty()) return "log_dest " + a + " takes no value";
         f.log_dest.push_back(a);
       } else if (a == "syslog") {
         if (!b.empty()) return "log_dest syslog takes no value";
         f.log_dest.push_back("syslog");
       } else if (a == "topic" || a == "dlt") {
         f.warnings.push_back("log_dest " + a +
                              " is not available in mqtk-broker; logging to "
                              "stderr instead (journald keeps it under systemd)");
         f.log_dest.push_back("stderr");
       } else {
         return "log_dest is stderr, stdout, file PATH or none";
       }
       return {};
     }},
    {"log_facility", "0-7",
     "The syslog facility of log_dest syslog: local0 to local7 (default: daemon).",
     [](const std::string& a, const std::string& b, file_settings& f) -> field_error {
       unsigned v;
       if (!number(a, v) || v > 7 || !b.empty()) return "log_facility needs a number from 0 to 7";
       f.log_facility = static_cast<int>((16 + v) << 3); // LOG_LOCAL0 is 16 << 3
       return {};
     }},
    {"connection_messages", "true|false",
     "Log each client's connection, refusal and disconnection with the reason (default true, as "
     "mosquitto; notice lines of log_type).",
     [](const std::string& a, const std::string& b, file_settings& f) -> field_error {
       bool v;
       if (!boolean(a, v) || !b.empty()) return "connection_messages takes true or false";
       f.connection_messages = v;
       return {};
     }},
    {"log_type", "TYPE",
     "Which lines are logged: error, warning, notice (connections), information, debug, "
     "subscribe, unsubscribe, websockets (as debug), all or none; repeatable, the lines add up. "
     "Default: error, warning, notice and information.",
     [](const std::string& a, const std::string& b, file_settings& f) -> field_error {
       std::uint32_t bits = 0;
       if (!log_type_bits(a, bits) || !b.empty())
         return "log_type is one of error, warning, notice, information, debug, subscribe, "
                "unsubscribe, websockets, all, none";
       f.log_types = a == "none" ? 0 : f.log_types.value_or(0) | bits;
       return {};
     }},
    {"log_timestamp", "true|false",
     "A timestamp on each line (default: on log files and wherever the log is not a terminal).",
     [](const std::string& a, const std::string& b, file_settings& f) -> field_error {
       bool v;
       if (!boolean(a, v) || !b.empty()) return "log_timestamp takes true or false";
       f.log_timestamp = v;
       return {};
     }},
    {"log_timestamp_format", "FORMAT",
     "The timestamp as strftime(3) writes FORMAT, in local time (default: ISO 8601 with "
     "milliseconds, 2026-01-31T23:59:59.123+01:00).",
     [](const std::string& a, const std::string&, file_settings& f) -> field_error {
       if (a.empty()) return "log_timestamp_format needs a strftime format";
       f.log_timestamp_format = a;
       return {};
     }},
    {"include_dir", "DIR", "Read every DIR/*.conf file here, in name order (as mosquitto does).",
     [](const std::string&, const std::string&, file_settings&) -> field_error {
       return {}; // read by read_into(), which knows the file it is in
     }},
    {"sys_interval", "SECONDS", "Seconds between $SYS updates; 0 turns them off (default 10).",
     [](const std::string& a, const std::string& b, file_settings& f) -> field_error {
       unsigned v;
       if (!number(a, v) || !b.empty()) return "sys_interval needs seconds";
       f.sys_interval = v;
       return {};
     }},
};

} // namespace

std::span<const config_key> config_keys() noexcept {
  return keys;
}

} // namespace mqtk::app::broker
