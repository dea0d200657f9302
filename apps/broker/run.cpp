// SPDX-License-Identifier: MIT
// mqtk-broker's main loop: listeners, signals, clean shutdown.
#include "broker/run.hpp"

#include <asio.hpp>
#include <fmt/format.h>
#include <fstream>

#include "common/exit_codes.hpp"
#include "mqtk/broker/server.hpp"

namespace mqtk::app::broker {

int run(const settings& s) {
  asio::io_context io(1);
  mqtk::broker::broker_core core(s.core);
  mqtk::broker::server srv(io, core);
  if (s.verbose)
    srv.set_logger([](const std::string& line) { fmt::print(stderr, "mqtk-broker: {}\n", line); });

  std::optional<std::uint16_t> first_port;
  for (const auto& l : s.tcp) {
    auto port = srv.listen_tcp(l.address, l.port);
    if (!port) {
      fmt::print(stderr, "mqtk-broker: cannot listen on {}:{}: {}\n", l.address, l.port,
                 port.error().message());
      return exit_failure;
    }
    if (!first_port) first_port = *port;
    const bool v6 = l.address.find(':') != std::string::npos;
    fmt::print(stderr, "mqtk-broker: listening on {}{}{}:{}\n", v6 ? "[" : "", l.address,
               v6 ? "]" : "", *port);
  }
  for (const auto& path : s.unix_paths) {
    if (auto r = srv.listen_unix(path); !r) {
      fmt::print(stderr, "mqtk-broker: cannot listen on {}: {}\n", path, r.error().message());
      return exit_failure;
    }
    fmt::print(stderr, "mqtk-broker: listening on unix:{}\n", path);
  }
  if (s.port_file && first_port) {
    std::ofstream f(*s.port_file);
    f << *first_port << '\n';
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
