// SPDX-License-Identifier: MIT
// mqtk-broker's command line, merged with its config file into validated settings.
#include "broker/options.hpp"

#include <malloc.h>
#include <unistd.h>

#include <cstring>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "broker/config_file.hpp"
#include "common/cli.hpp"
#include "common/exit_codes.hpp"
#include "common/option_families.hpp"
#include "common/stderr_line.hpp"

namespace mqtk::app::broker {
namespace {

bool is_loopback(const std::string& address) {
  return address.rfind("127.", 0) == 0 || address == "::1";
}

// [SCHEME://]ADDRESS:PORT, the scheme one of mqtt (default), mqtts, ws, wss.
std::optional<listener> parse_listen(std::string spec, const transport::tls_options& tls) {
  std::string scheme = "mqtt";
  if (const auto sep = spec.find("://"); sep != std::string::npos) {
    scheme = spec.substr(0, sep);
    spec = spec.substr(sep + 3);
    if (scheme != "mqtt" && scheme != "mqtts" && scheme != "ws" && scheme != "wss")
      return std::nullopt;
  }
  const auto colon = spec.rfind(':');
  if (colon == std::string::npos) return std::nullopt;
  std::string host = spec.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  unsigned port = 0;
  try {
    std::size_t used = 0;
    port = static_cast<unsigned>(std::stoul(spec.substr(colon + 1), &used));
    if (used != spec.size() - colon - 1 || port > 65535) return std::nullopt;
  } catch (const std::exception&) {
    return std::nullopt;
  }
  if (host == "localhost") host = "127.0.0.1";
  listener l{host, static_cast<std::uint16_t>(port)};
  l.websocket = scheme == "ws" || scheme == "wss";
  if (scheme == "mqtts" || scheme == "wss") {
    l.tls = tls;
    // A listener without a certificate is caught by check_listener, naming the flag.
    if (l.tls.certfile.empty()) l.tls.certfile = "-";
  }
  return l;
}

std::string where(const listener& l) {
  const bool v6 = l.address.find(':') != std::string::npos;
  return fmt::format("{}://{}{}{}:{}", l.scheme(), v6 ? "[" : "", l.address, v6 ? "]" : "", l.port);
}

// A TLS listener's settings must be whole: a certificate with its key, identities only from
// required certificates.
bool check_listener(const listener& l, std::string& error) {
  if (l.tls.certfile == "-")
    return error = fmt::format("{} needs --certfile and --keyfile", where(l)), false;
  if (l.tls_on() && (l.tls.certfile.empty() || l.tls.keyfile.empty()))
    return error = fmt::format("{}: a TLS listener needs both certfile and keyfile", where(l)),
           false;
  if (!l.tls_on() && (!l.tls.cafile.empty() || l.tls.require_peer_cert))
    return error = fmt::format("{}: cafile and require_certificate need certfile and keyfile",
                               where(l)),
           false;
  if (l.identity_as_username && !l.tls.require_peer_cert)
    return error = fmt::format("{}: use_identity_as_username needs require_certificate", where(l)),
           false;
  return true;
}

struct raw_options {
  std::string config_file;
  std::vector<unsigned> ports;
  std::vector<std::string> listen;
  std::vector<std::string> unix_paths;
  std::string port_file;
  bool allow_anonymous = false;
  std::string password_file;
  std::string acl_file;
  std::optional<std::uint32_t> max_packet_size;
  std::optional<std::size_t> max_receiving_bytes;
  std::optional<std::uint16_t> max_inflight;
  std::optional<std::size_t> max_queued;
  std::optional<std::size_t> max_queued_bytes;
  std::optional<std::size_t> max_queued_bytes_total;
  std::optional<std::size_t> max_retained;
  std::optional<std::size_t> max_retained_bytes;
  std::optional<double> slow_consumer_timeout;
  bool slow_consumer_disconnect = false;
  std::optional<std::uint16_t> receive_maximum;
  std::optional<unsigned> sys_interval;
  std::optional<std::uint16_t> max_keep_alive;
  std::optional<std::size_t> max_connections;
  bool drop_when_full = false;
  std::string persistence; // DIR
  std::string persistence_sync;
  std::optional<std::size_t> persistence_log_bytes;
  bool verbose = false;
  bool daemon = false;
  bool test_config = false;
  transport::tls_options tls = listener_tls(); // for -L mqtts:// and wss://
  bool identity_as_username = false;
};

void define_tls(CLI::App& app, raw_options& o) {
  new_option_family(app);
  const char* g = "TLS (for -L mqtts:// and wss://)";
  app.add_option("--certfile", o.tls.certfile, "Certificate chain FILE (PEM) of TLS listeners")
      ->type_name("FILE")
      ->group(g);
  app.add_option("--keyfile", o.tls.keyfile, "Private key FILE (PEM) of --certfile")
      ->type_name("FILE")
      ->group(g);
  app.add_option("--cafile", o.tls.cafile, "CA certificates FILE (PEM) for client certificates")
      ->type_name("FILE")
      ->group(g);
  app.add_option("--capath", o.tls.capath, "Directory DIR of hashed CA certificates")
      ->type_name("DIR")
      ->group(g);
  app.add_flag("--require-certificate", o.tls.require_peer_cert,
               "Clients must present a certificate signed by --cafile (mutual TLS)")
      ->group(g);
  app.add_flag("--use-identity-as-username", o.identity_as_username,
               "The client certificate's Common Name is the user name")
      ->group(g);
  app.add_option("--tls-version", o.tls.min_version, "Lowest TLS version (default tlsv1.2)")
      ->type_name("tlsv1.1|tlsv1.2|tlsv1.3")
      ->group(g);
  app.add_option("--ciphers", o.tls.ciphers, "OpenSSL cipher list (TLS 1.2) or TLS 1.3 suites")
      ->type_name("LIST")
      ->group(g);
}

void define(CLI::App& app, raw_options& o) {
  app.add_option("-c,--config", o.config_file, "Read settings from FILE (a mosquitto.conf subset)")
      ->type_name("FILE");
  app.add_option("-p,--port", o.ports, "Listen on 127.0.0.1:PORT (repeatable; 0 picks a free port)")
      ->type_name("PORT")
      ->check(CLI::Range(0, 65535));
  app.add_option("-L,--listen", o.listen,
                 "Listen on [SCHEME://]ADDRESS:PORT, SCHEME mqtt (default), mqtts, ws or wss; "
                 "e.g. [::1]:1883, ws://127.0.0.1:8080 (repeatable)")
      ->type_name("URL");
  app.add_option("--unix", o.unix_paths, "Listen on a Unix-domain socket at PATH (repeatable)")
      ->type_name("PATH");
  app.add_option("--port-file", o.port_file,
                 "Write the TCP ports listened on to FILE, one per line, in listener order")
      ->type_name("FILE");
  app.add_flag("--allow-anonymous", o.allow_anonymous,
               "Accept clients without credentials, also on non-loopback listeners and with a "
               "password file");
  app.add_option("--password-file", o.password_file,
                 "Clients must log in as a user of FILE (mosquitto_passwd's format; re-read on "
                 "SIGHUP)")
      ->type_name("FILE");
  app.add_option("--acl-file", o.acl_file,
                 "Topic access rules in mosquitto's ACL format (re-read on SIGHUP)")
      ->type_name("FILE");
  app.add_option("--max-packet-size", o.max_packet_size,
                 "Largest packet accepted (default 268435460, MQTT's own limit, as mosquitto)")
      ->type_name("BYTES")
      ->check(CLI::Range(20u, 268435460u));
  app.add_option("--max-receiving-bytes", o.max_receiving_bytes,
                 "Memory for packets over 1 MiB being received, across all clients (twice each "
                 "packet); a client past it waits unread (default 536870912)")
      ->type_name("BYTES")
      ->check(CLI::Range(std::size_t{1}, SIZE_MAX));
  app.add_option("--max-inflight", o.max_inflight,
                 "QoS 1/2 messages in flight per client (default 100)")
      ->type_name("N")
      ->check(CLI::Range(1, 65535));
  app.add_option("--max-queued", o.max_queued, "Messages queued per client (default 1000)")
      ->type_name("N");
  app.add_option("--max-queued-bytes", o.max_queued_bytes,
                 "Bytes of payload queued per client; 0: no byte limit (default 67108864)")
      ->type_name("BYTES");
  app.add_option("--max-queued-bytes-total", o.max_queued_bytes_total,
                 "Payload bytes of QoS 1/2 messages queued across all clients; when reached, "
                 "publishers are held back in turn; 0: no limit (default 1073741824)")
      ->type_name("BYTES");
  app.add_option("--max-retained", o.max_retained,
                 "Retained messages kept at most; a new retained topic over it is not kept "
                 "(MQTT 5 QoS 1/2: refused, 0x97); 0: no limit (default 0)")
      ->type_name("N");
  app.add_option("--max-retained-bytes", o.max_retained_bytes,
                 "Topic and payload bytes of all retained messages at most; 0: no limit "
                 "(default 0)")
      ->type_name("BYTES");
  app.add_option("--slow-consumer-timeout", o.slow_consumer_timeout,
                 "A client with a full backlog that takes nothing for this long is a slow "
                 "consumer: it stops pausing publishers and its overflow is dropped; 0: never "
                 "(default 1)")
      ->type_name("SECONDS")
      ->check(CLI::Range(0.0, 3600.0));
  app.add_flag("--slow-consumer-disconnect", o.slow_consumer_disconnect,
               "Also disconnect slow consumers (MQTT 5: DISCONNECT 0x97 Quota exceeded)");
  app.add_option("--receive-maximum", o.receive_maximum,
                 "Receive Maximum announced to MQTT 5 clients (default 100)")
      ->type_name("N")
      ->check(CLI::Range(1, 65535));
  app.add_option("--sys-interval", o.sys_interval,
                 "Seconds between $SYS updates; 0 turns them off (default 10)")
      ->type_name("SECONDS");
  app.add_option(
         "--max-keep-alive", o.max_keep_alive,
         "Largest keep-alive accepted; MQTT 5 clients asking for more (or none) are told this")
      ->type_name("SECONDS")
      ->check(CLI::Range(1, 65535));
  app.add_option("--max-connections", o.max_connections,
                 "Simultaneous connections; more are refused at CONNECT (default 100000)")
      ->type_name("N")
      ->check(CLI::Range(1, 10000000));
  app.add_flag(
      "--drop-when-full", o.drop_when_full,
      "Drop messages at a client's queue limits (mosquitto's way) instead of pausing publishers");
  app.add_option("--persistence", o.persistence,
                 "Keep sessions, queued and retained messages in DIR/mqtk.db across restarts "
                 "and crashes (every change saved before it is acknowledged)")
      ->type_name("DIR");
  app.add_option("--persistence-sync", o.persistence_sync,
                 "normal: saved changes survive a crash (default); full: also a power loss")
      ->type_name("normal|full")
      ->check(CLI::IsMember({"normal", "full"}));
  app.add_option("--persistence-log-bytes", o.persistence_log_bytes,
                 "Fold the store's log into its tables once it holds this many bytes; a restart "
                 "replays at most this much (default 4194304)")
      ->type_name("BYTES")
      ->check(CLI::Range(std::size_t{0}, std::size_t{1} << 30));
  app.add_flag("--test-config", o.test_config,
               "Check the configuration (files, certificates, password and ACL files) and exit: "
               "0 when it is good, 2 naming every problem; listens nowhere");
  app.add_flag("-d,--daemon", o.daemon,
               "Run in the background once listening (as mosquitto -d); the exit status tells "
               "whether it started. Give log_dest file PATH, or the log is lost");
  app.add_flag("-v,--verbose", o.verbose,
               "Log everything (log_type all): also each socket, SUBSCRIBE and UNSUBSCRIBE");
  define_tls(app, o);
}

// mosquitto's defaults: error, warning, notice and information, connection lines included;
// -v is log_type all.
void collect_log(const raw_options& o, const file_settings& f, settings& s) {
  auto& l = s.log;
  if (!f.log_dest.empty()) l.dest = f.log_dest;
  l.types = o.verbose ? all_log_types : f.log_types.value_or(default_log_types);
  l.timestamp = f.log_timestamp;
  if (f.log_facility) l.syslog_facility = *f.log_facility;
  l.timestamp_format = f.log_timestamp_format.value_or("");
  using mqtk::broker::bit;
  s.core.log_connections = (l.types & bit(log_level::notice)) != 0 &&
                           (o.verbose || f.connection_messages.value_or(true));
  s.core.log_subscriptions =
      (l.types & (bit(log_level::subscribe) | bit(log_level::unsubscribe))) != 0;
}

// Every listener: the config file's, then -p, then -L; each checked whole.
bool collect_listeners(const raw_options& o, const file_settings& f, settings& s,
                       std::string& error) {
  s.tcp = f.listeners;
  if (f.port) s.tcp.push_back({f.bind_address.value_or("127.0.0.1"), *f.port});
  for (const auto p : o.ports)
    s.tcp.push_back({"127.0.0.1", static_cast<std::uint16_t>(p)});
  auto tls = o.tls;
  tls.verify_peer = tls.require_peer_cert;
  bool flag_tls = false;
  for (const auto& spec : o.listen) {
    auto l = parse_listen(spec, tls);
    if (!l) {
      error = fmt::format("--listen {}: expected [mqtt|mqtts|ws|wss://]ADDRESS:PORT", spec);
      return false;
    }
    l->identity_as_username = l->tls_on() && o.identity_as_username;
    flag_tls = flag_tls || l->tls_on();
    s.tcp.push_back(*l);
  }
  if (!flag_tls && (!o.tls.certfile.empty() || !o.tls.keyfile.empty() || !o.tls.cafile.empty() ||
                    o.tls.require_peer_cert || o.identity_as_username)) {
    error = "TLS flags apply to -L mqtts:// and wss:// listeners; none was given";
    return false;
  }
  for (const auto& l : s.tcp)
    if (!check_listener(l, error)) return false;
  s.unix_paths = o.unix_paths;
  if (s.tcp.empty() && s.unix_paths.empty()) s.tcp.push_back({"127.0.0.1", 1883});
  return true;
}

// A listener's access keys over the broker's (per_listener_settings true).
security_files merged(security_files base, const security_files& own) {
  if (own.allow_anonymous) base.allow_anonymous = own.allow_anonymous;
  if (own.password_file) base.password_file = own.password_file;
  if (own.acl_file) base.acl_file = own.acl_file;
  return base;
}

// Who may connect where: the flags over the file; per listener only when the file says so.
// mosquitto 2.0's rule holds: anonymous access from the network only when said.
bool collect_security(const raw_options& o, const file_settings& f, settings& s,
                      std::string& error) {
  security_files global = f.security;
  const bool per_listener = f.per_listener_settings.value_or(false);
  if (!per_listener)
    for (const auto& l : f.listeners)
      global = merged(global, l.security);
  if (o.allow_anonymous) global.allow_anonymous = true;
  if (!o.password_file.empty()) global.password_file = o.password_file;
  if (!o.acl_file.empty()) global.acl_file = o.acl_file;
  s.security.assign(1, global);
  if (per_listener) {
    s.security.clear();
    for (const auto& l : s.tcp)
      s.security.push_back(merged(global, l.security));
    s.security.insert(s.security.end(), s.unix_paths.size(), global);
  }
  for (std::size_t i = 0; i < s.tcp.size(); ++i) {
    const auto& l = s.tcp[i];
    const auto& rules = s.security[per_listener ? i : 0];
    if (is_loopback(l.address) || !anonymous_allowed(rules) || rules.allow_anonymous) continue;
    error = fmt::format("refusing to listen on {}:{} without authentication; give a "
                        "password_file, or pass --allow-anonymous (or 'allow_anonymous true' "
                        "in the config file) to accept anonymous clients from the network",
                        l.address, l.port);
    return false;
  }
  return true;
}

// The flag wins over the file: --persistence DIR turns it on in DIR.
bool collect_persistence(const raw_options& o, const file_settings& f, settings& s,
                         std::string& error) {
  const auto sync =
      !o.persistence_sync.empty() ? o.persistence_sync : f.persistence_sync.value_or("normal");
  s.persistence_full_sync = sync == "full";
  if (const auto b = o.persistence_log_bytes ? o.persistence_log_bytes : f.persistence_log_bytes)
    s.persistence_log_bytes = *b;
  const bool on = !o.persistence.empty() || f.persistence.value_or(false);
  if (!on) {
    for (const auto& [given, flag] :
         {std::pair{!o.persistence_sync.empty(), "--persistence-sync"},
          {o.persistence_log_bytes.has_value(), "--persistence-log-bytes"}})
      if (given) {
        error = std::string(flag) + " needs persistence: give --persistence DIR";
        return false;
      }
    return true;
  }
  std::string dir = !o.persistence.empty() ? o.persistence : f.persistence_location.value_or(".");
  if (dir.empty()) dir = ".";
  s.persistence = dir + (dir.back() == '/' ? "" : "/") + f.persistence_file.value_or("mqtk.db");
  s.core.journal = true;
  return true;
}

// Defaults that depend on the host and the broker: HOST.NAME client ids, the queue bound.
void collect_bridges(const file_settings& f, settings& s) {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0) std::strcpy(host, "mqtk");
  for (auto b : f.bridges) {
    b.complete(host);
    b.max_queued = s.core.lim.max_queued_messages;
    s.bridges.push_back(std::move(b));
  }
}

// Two bridges under one local name would be one session in the core: refused, as mosquitto does.
bool bridges_distinct(const settings& s, std::string& error) {
  for (std::size_t i = 0; i < s.bridges.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (s.bridges[i].local_clientid == s.bridges[j].local_clientid)
        return error =
                   fmt::format("bridges {} and {} both have local_clientid {}: give one its "
                               "own",
                               s.bridges[j].name, s.bridges[i].name, s.bridges[i].local_clientid),
               false;
  return true;
}

std::optional<settings> to_settings(const raw_options& o, std::string& error) {
  settings s;
  file_settings f;
  if (!o.config_file.empty()) {
    auto r = read_config_file(o.config_file, error);
    if (!r) return std::nullopt;
    f = *r;
  }
  auto& lim = s.core.lim;
  if (f.max_packet_size) lim.max_packet_size = *f.max_packet_size;
  if (f.message_size_limit) lim.message_size_limit = *f.message_size_limit;
  if (f.max_inflight_bytes) lim.max_inflight_bytes = *f.max_inflight_bytes;
  if (f.max_receiving_bytes) lim.max_receiving_bytes = *f.max_receiving_bytes;
  if (o.max_receiving_bytes) lim.max_receiving_bytes = *o.max_receiving_bytes;
  if (f.max_inflight) lim.max_inflight = *f.max_inflight;
  if (f.max_queued) lim.max_queued_messages = *f.max_queued;
  if (f.max_queued_bytes) lim.max_queued_bytes = *f.max_queued_bytes;
  if (o.max_queued_bytes)
    lim.max_queued_bytes = *o.max_queued_bytes == 0 ? SIZE_MAX : *o.max_queued_bytes;
  const auto unlimited = [](std::size_t v) { return v == 0 ? SIZE_MAX : v; };
  if (f.max_queued_bytes_total) lim.max_queued_bytes_total = *f.max_queued_bytes_total;
  if (o.max_queued_bytes_total) lim.max_queued_bytes_total = unlimited(*o.max_queued_bytes_total);
  if (f.max_retained_messages) lim.max_retained_messages = *f.max_retained_messages;
  if (o.max_retained) lim.max_retained_messages = unlimited(*o.max_retained);
  if (f.max_retained_bytes) lim.max_retained_bytes = *f.max_retained_bytes;
  if (o.max_retained_bytes) lim.max_retained_bytes = unlimited(*o.max_retained_bytes);
  const auto timeout = o.slow_consumer_timeout ? o.slow_consumer_timeout : f.slow_consumer_timeout;
  if (timeout)
    lim.slow_consumer_timeout = std::chrono::duration_cast<mqtk::session::duration>(
        std::chrono::duration<double>(*timeout));
  lim.slow_consumer_disconnect =
      o.slow_consumer_disconnect || f.slow_consumer_disconnect.value_or(false);
  if (f.sys_interval) s.core.sys_interval = std::chrono::seconds(*f.sys_interval);
  if (f.max_keep_alive) lim.max_keep_alive = *f.max_keep_alive;
  if (o.max_keep_alive) lim.max_keep_alive = *o.max_keep_alive;
  if (f.max_connections) lim.max_connections = *f.max_connections;
  if (o.max_connections) lim.max_connections = *o.max_connections;
  if (o.max_packet_size) lim.max_packet_size = *o.max_packet_size;
  if (o.max_inflight) lim.max_inflight = *o.max_inflight;
  if (o.max_queued) lim.max_queued_messages = *o.max_queued;
  if (o.receive_maximum) lim.receive_maximum = *o.receive_maximum;
  if (o.sys_interval) s.core.sys_interval = std::chrono::seconds(*o.sys_interval);
  lim.drop_when_full = o.drop_when_full;
  s.core.version_string = std::string("mqtk-broker ") + MQTK_VERSION;
  s.core.heap_in_use = [] { // $SYS/broker/heap/current: glibc's count, mmapped blocks included
    const auto m = ::mallinfo2();
    return m.uordblks + m.hblkhd;
  };

  if (!collect_listeners(o, f, s, error)) return std::nullopt;
  if (!collect_security(o, f, s, error)) return std::nullopt;
  s.core.allow_anonymous = anonymous_allowed(s.security.front());
  if (!collect_persistence(o, f, s, error)) return std::nullopt;
  for (const auto& w : f.warnings)
    stderr_text(fmt::format("mqtk-broker: {}\n", w));
  if (!o.port_file.empty()) s.port_file = o.port_file;
  s.verbose = o.verbose;
  collect_log(o, f, s);
  s.pid_file = f.pid_file;
  s.user = f.user;
  s.tcp_nodelay = f.tcp_nodelay.value_or(true);
  for (const auto& l : s.tcp) // listener indices: the TCP listeners in order, Unix ones after
    s.core.mount_points.push_back(l.mount_point);
  s.core.lim.retain_available = f.retain_available.value_or(true);
  s.daemon = o.daemon;
  s.test_config = o.test_config;
  s.config_file = o.config_file;
  collect_bridges(f, s);
  if (!bridges_distinct(s, error)) return std::nullopt;
  return s;
}

} // namespace

std::optional<settings> parse(int argc, char** argv, int& exit_status) {
  return parse_tool<raw_options, settings>(
      "mqtk-broker", "mqtk-broker: a small, strict and fast MQTT 3.1.1 and 5.0 broker", manual,
      argc, argv, exit_status, define, to_settings);
}

} // namespace mqtk::app::broker
