// SPDX-License-Identifier: MIT
// mqtk-broker's main loop: listeners, access rules, signals (SIGHUP reloads), clean shutdown.
#include "broker/run.hpp"

#include <asio.hpp>
#include <cstdio>
#include <fmt/format.h>
#include <fstream>

#include "common/exit_codes.hpp"
#include "mqtk/broker/password_pool.hpp"
#include "mqtk/broker/server.hpp"
#include "mqtk/store/sqlite_store.hpp"
#include "mqtk/transport/tls.hpp"

namespace mqtk::app::broker {

namespace {

void say(const std::string& line) {
  fmt::print(stderr, "mqtk-broker: {}\n", line);
}

// Opens every TCP listener (TLS contexts first: a bad certificate is a usage error); the bound
// ports go to `ports` in order. Returns an exit status.
int listen_tcp(mqtk::broker::server& srv, const settings& s, std::vector<std::uint16_t>& ports) {
  for (const auto& l : s.tcp) {
    mqtk::broker::listener_options o;
    o.websocket = l.websocket;
    o.identity_as_username = l.identity_as_username;
    o.max_frame = std::max<std::uint64_t>(2ull * s.core.lim.max_packet_size, 1u << 20);
    if (l.tls_on()) {
      std::string why;
      o.tls = transport::tls_context::make(true, l.tls, why);
      if (!o.tls) {
        say(fmt::format("{} listener on port {}: {}", l.scheme(), l.port, why));
        return exit_usage;
      }
    }
    auto port = srv.listen_tcp(l.address, l.port, std::move(o));
    if (!port) {
      fmt::print(stderr, "mqtk-broker: cannot listen on {}:{}: {}\n", l.address, l.port,
                 port.error().message());
      return exit_failure;
    }
    ports.push_back(*port);
    const bool v6 = l.address.find(':') != std::string::npos;
    fmt::print(stderr, "mqtk-broker: listening on {}{}{}{}:{}\n",
               l.scheme() == "mqtt" ? "" : l.scheme() + "://", v6 ? "[" : "", l.address,
               v6 ? "]" : "", *port);
  }
  return exit_ok;
}

// Opens the database and rebuilds the core's durable state from it; nullptr (after saying why)
// when the broker must not start: its data is never replaced by an empty store.
std::unique_ptr<store::sqlite_store> open_store(const settings& s,
                                                mqtk::broker::broker_core& core) {
  std::string why;
  const auto mode = s.persistence_full_sync ? store::sync_mode::full : store::sync_mode::normal;
  auto db = store::sqlite_store::open(*s.persistence, mode, why);
  std::vector<mqtk::broker::journal_record> records;
  if (!db || !db->load(records, why)) {
    fmt::print(stderr, "mqtk-broker: {}\n", why);
    return nullptr;
  }
  const auto started = std::chrono::steady_clock::now();
  core.set_wall_clock(started, std::chrono::system_clock::now());
  core.restore(records, started);
  fmt::print(stderr, "mqtk-broker: persistence in {}: {} sessions restored\n", *s.persistence,
             core.session_count());
  return db;
}

// The access rules from the password and ACL files; what they say is not in force until a
// reload succeeds, so a broken file never opens access.
struct access {
  std::shared_ptr<mqtk::auth::file_policy> policy;
  std::unique_ptr<mqtk::broker::password_pool> pool;
  std::vector<mqtk::auth::security_settings> rules; // in force, for the log
};

std::string describe_rules(const access& a) {
  return describe(a.rules);
}

std::optional<std::vector<mqtk::auth::security_settings>> read_rules(const settings& s) {
  std::vector<std::string> problems, notes;
  auto rules = load_security(s.security, problems, notes);
  for (const auto& n : notes)
    say(n);
  for (const auto& p : problems)
    say(p);
  return rules;
}

// Nothing to set up when no access key was given: the core's open policy serves.
bool start_access(asio::io_context& io, const settings& s, mqtk::broker::broker_core& core,
                  mqtk::broker::server& srv, access& a) {
  bool any = false;
  for (const auto& f : s.security)
    any = any || f.any();
  if (!any) return true;
  auto rules = read_rules(s);
  if (!rules) return false;
  a.pool = std::make_unique<mqtk::broker::password_pool>(
      io, [&srv](std::uint64_t id, mqtk::broker::verdict v) { srv.complete_auth(id, v); });
  if (std::string why; !a.pool->ready(why)) {
    say("cannot check passwords: " + why);
    return false;
  }
  a.rules = *rules;
  a.policy = std::make_shared<mqtk::auth::file_policy>(std::move(*rules), *a.pool);
  core.set_access_policy(a.policy);
  say("access rules: " + describe_rules(a));
  return true;
}

// SIGHUP: the password and ACL files and the TLS certificates again. Each part that reads
// whole replaces the old; one that does not keeps it, and the log says why.
void reload(const settings& s, mqtk::broker::broker_core& core, mqtk::broker::server& srv,
            access& a) {
  say("SIGHUP received, reloading");
  if (a.policy) {
    if (auto rules = read_rules(s)) {
      a.rules = *rules;
      a.policy->replace(std::move(*rules));
      const auto removed = core.set_access_policy(a.policy);
      say(fmt::format("access rules reloaded: {}; {} subscriptions removed", describe_rules(a),
                      removed));
    } else {
      say("access rules kept as they were: the files above have problems");
    }
  }
  for (std::size_t i = 0; i < s.tcp.size(); ++i) {
    const auto& l = s.tcp[i];
    if (!l.tls_on()) continue;
    std::string why;
    if (auto tls = transport::tls_context::make(true, l.tls, why))
      srv.replace_tls(static_cast<std::uint16_t>(i), std::move(tls));
    else
      say(fmt::format("{} listener on port {}: certificate kept as it was: {}", l.scheme(), l.port,
                      why));
  }
  srv.flush();
}

} // namespace

int run(const settings& s) {
  asio::io_context io(1);
  mqtk::broker::broker_core core(s.core);
  std::unique_ptr<store::sqlite_store> db;
  if (s.persistence && !(db = open_store(s, core))) return exit_failure;
  mqtk::broker::server srv(io, core);
  // Failures to save and access problems are always told; the rest of the log only with -v.
  const bool secured = !s.security.empty() && s.security.front().any();
  if (s.verbose || db || secured) srv.set_logger(say, s.verbose);
  access rules;
  if (!start_access(io, s, core, srv, rules)) return exit_usage;
  if (db)
    srv.set_journal_sink([&db](const std::vector<mqtk::broker::journal_record>& batch,
                               std::string& why) { return db->save(batch, why); });

  std::vector<std::uint16_t> ports;
  if (const int status = listen_tcp(srv, s, ports); status != exit_ok) return status;
  for (const auto& path : s.unix_paths) {
    if (auto r = srv.listen_unix(path); !r) {
      fmt::print(stderr, "mqtk-broker: cannot listen on {}: {}\n", path, r.error().message());
      return exit_failure;
    }
    fmt::print(stderr, "mqtk-broker: listening on unix:{}\n", path);
  }
  if (s.port_file && !ports.empty()) {
    // Written aside and renamed: a script polling the file never reads half of it.
    const auto temp = *s.port_file + ".tmp";
    std::ofstream f(temp);
    for (const auto p : ports)
      f << p << '\n';
    f.close();
    if (f) f.clear(std::rename(temp.c_str(), s.port_file->c_str()) == 0 ? f.goodbit : f.failbit);
    if (!f) {
      fmt::print(stderr, "mqtk-broker: cannot write {}\n", *s.port_file);
      return exit_failure;
    }
  }
  srv.start();

  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](std::error_code ec, int sig) {
    if (ec) return;
    fmt::print(stderr, "mqtk-broker: {} received, shutting down\n",
               sig == SIGINT ? "SIGINT" : "SIGTERM");
    srv.shutdown([&io] { io.stop(); });
    // Clients that do not read their DISCONNECT must not hold the shutdown up.
    auto guard = std::make_shared<asio::steady_timer>(io, std::chrono::seconds(2));
    guard->async_wait([&io, guard](std::error_code) { io.stop(); });
  });
  asio::signal_set hangup(io, SIGHUP);
  std::function<void()> await_hangup = [&] {
    hangup.async_wait([&](std::error_code ec, int) {
      if (ec) return;
      reload(s, core, srv, rules);
      await_hangup();
    });
  };
  await_hangup();
  io.run();
  const auto& st = core.statistics();
  fmt::print(stderr, "mqtk-broker: stopped; {} messages in, {} out, {} dropped\n",
             st.messages_received, st.messages_sent, st.publish_dropped);
  return exit_ok;
}

} // namespace mqtk::app::broker
