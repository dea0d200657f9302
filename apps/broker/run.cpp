// SPDX-License-Identifier: MIT
// mqtk-broker's main loop: listeners, signals, clean shutdown.
#include "broker/run.hpp"

#include <asio.hpp>
#include <cstdio>
#include <fmt/format.h>
#include <fstream>

#include "common/exit_codes.hpp"
#include "mqtk/broker/server.hpp"
#include "mqtk/store/sqlite_store.hpp"
#include "mqtk/transport/tls.hpp"

namespace mqtk::app::broker {

namespace {

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
        fmt::print(stderr, "mqtk-broker: {} listener on port {}: {}\n", l.scheme(), l.port, why);
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

} // namespace

int run(const settings& s) {
  asio::io_context io(1);
  mqtk::broker::broker_core core(s.core);
  std::unique_ptr<store::sqlite_store> db;
  if (s.persistence && !(db = open_store(s, core))) return exit_failure;
  mqtk::broker::server srv(io, core);
  // Failures to save are always told; the rest of the log only with -v.
  const auto say = [](const std::string& line) { fmt::print(stderr, "mqtk-broker: {}\n", line); };
  if (s.verbose || db) srv.set_logger(say, s.verbose);
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
  io.run();
  const auto& st = core.statistics();
  fmt::print(stderr, "mqtk-broker: stopped; {} messages in, {} out, {} dropped\n",
             st.messages_received, st.messages_sent, st.publish_dropped);
  return exit_ok;
}

} // namespace mqtk::app::broker
