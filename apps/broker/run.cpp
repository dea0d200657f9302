// SPDX-License-Identifier: MIT
// mqtk-broker's main loop: listeners, access rules, signals (SIGHUP reloads), clean shutdown.
#include "broker/run.hpp"

#include <algorithm>
#include <asio.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <pwd.h>
#include <unistd.h>

#include "broker/log.hpp"
#include "broker/process.hpp"
#include "common/exit_codes.hpp"
#include "mqtk/bridge/bridge.hpp"
#include "mqtk/broker/password_pool.hpp"
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
    o.tcp_nodelay = s.tcp_nodelay;
    o.max_frame = std::max<std::uint64_t>(2ull * s.core.lim.max_packet_size, 1u << 20);
    if (l.tls_on()) {
      std::string why;
      o.tls = transport::tls_context::make(true, l.tls, why);
      if (!o.tls) {
        fail(fmt::format("{} listener on port {}: {}", l.scheme(), l.port, why));
        return exit_usage;
      }
    }
    auto port = srv.listen_tcp(l.address, l.port, std::move(o));
    if (!port) {
      fail(fmt::format("cannot listen on {}:{}: {}", l.address, l.port, port.error().message()));
      return exit_failure;
    }
    ports.push_back(*port);
    const bool v6 = l.address.find(':') != std::string::npos;
    say(fmt::format("listening on {}{}{}{}:{}", l.scheme() == "mqtt" ? "" : l.scheme() + "://",
                    v6 ? "[" : "", l.address, v6 ? "]" : "", *port));
  }
  return exit_ok;
}

// Opens the database and rebuilds the core's durable state from it; nullptr (after saying why)
// when the broker must not start: its data is never replaced by an empty store.
std::unique_ptr<store::sqlite_store> open_store(const settings& s,
                                                mqtk::broker::broker_core& core) {
  std::string why;
  const auto mode = s.persistence_full_sync ? store::sync_mode::full : store::sync_mode::normal;
  const auto opening = std::chrono::steady_clock::now();
  auto db = store::sqlite_store::open(*s.persistence, mode, why);
  std::vector<mqtk::broker::journal_record> records;
  if (!db || !db->load(records, why)) {
    fail(why);
    return nullptr;
  }
  if (auto cut = db->take_fold_trouble()) say(log_level::warning, "persistence: " + *cut);
  db->set_fold_bytes(s.persistence_log_bytes);
  const auto started = std::chrono::steady_clock::now();
  core.set_wall_clock(started, std::chrono::system_clock::now());
  core.restore(records, started);
  // The restart's cost, so that whoever sizes queues can see what a restart over them takes.
  const auto seconds = [](auto d) { return std::chrono::duration<double>(d).count(); };
  say(fmt::format("persistence in {}: {} sessions restored in {:.2f} s (read {:.2f} s)",
                  *s.persistence, core.session_count(),
                  seconds(std::chrono::steady_clock::now() - opening), seconds(started - opening)));
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

std::optional<std::vector<mqtk::auth::security_settings>>
read_rules(const settings& s, void (*report)(const std::string&) = say) {
  std::vector<std::string> problems, notes;
  auto rules = load_security(s.security, problems, notes);
  for (const auto& n : notes)
    say(n);
  for (const auto& p : problems)
    report(p);
  return rules;
}

bool any_access_key(const settings& s) {
  return std::any_of(s.security.begin(), s.security.end(),
                     [](const security_files& f) { return f.any(); });
}

// --test-config: everything a start would read, without listening. Every problem is told.
int check_config(const settings& s) {
  int problems = 0;
  for (const auto& l : s.tcp) {
    std::string why;
    if (l.tls_on() && !transport::tls_context::make(true, l.tls, why)) {
      fail(fmt::format("{} listener on port {}: {}", l.scheme(), l.port, why));
      ++problems;
    }
  }
  if (any_access_key(s) && !read_rules(s, fail)) ++problems;
  for (const auto& b : s.bridges)
    if (const auto why = mqtk::bridge::check(b); !why.empty()) {
      fail(fmt::format("bridge {}: {}", b.name, why));
      ++problems;
    }
  if (s.user && !s.user->empty() && ::getpwnam(s.user->c_str()) == nullptr) {
    fail("user " + *s.user + ": no such user");
    ++problems;
  }
  if (s.persistence) {
    const auto dir = std::filesystem::path(*s.persistence).parent_path();
    if (!dir.empty() && !std::filesystem::is_directory(dir)) {
      fail("persistence_location " + dir.string() + " is not a directory");
      ++problems;
    }
  }
  if (problems != 0) return exit_usage;
  say(fmt::format("{}: the configuration is good ({} TCP listeners, {} Unix sockets)",
                  s.config_file.empty() ? "the command line" : s.config_file, s.tcp.size(),
                  s.unix_paths.size()));
  return exit_ok;
}

// pid_file: written aside and renamed, like --port-file.
bool write_pid(const std::string& path) {
  const auto temp = path + ".tmp";
  std::ofstream f(temp);
  f << ::getpid() << '\n';
  f.close();
  if (f && std::rename(temp.c_str(), path.c_str()) == 0) return true;
  fail("cannot write pid_file " + path + ": " + std::strerror(errno));
  return false;
}

// Nothing to set up when no access key was given: the core's open policy serves.
bool start_access(asio::io_context& io, const settings& s, mqtk::broker::broker_core& core,
                  mqtk::broker::server& srv, access& a) {
  if (!any_access_key(s)) return true;
  auto rules = read_rules(s, fail);
  if (!rules) return false;
  a.pool = std::make_unique<mqtk::broker::password_pool>(
      io, [&srv](std::uint64_t id, mqtk::broker::verdict v) { srv.complete_auth(id, v); });
  if (std::string why; !a.pool->ready(why)) {
    fail("cannot check passwords: " + why);
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
  reopen_log();
  say("SIGHUP received, reloading");
  if (a.policy) {
    if (auto rules = read_rules(s)) {
      a.rules = *rules;
      a.policy->replace(std::move(*rules));
      const auto removed = core.set_access_policy(a.policy);
      say(fmt::format("access rules reloaded: {}; {} subscriptions removed", describe_rules(a),
                      removed));
    } else {
      say(log_level::warning, "access rules kept as they were: the files above have problems");
    }
  }
  for (std::size_t i = 0; i < s.tcp.size(); ++i) {
    const auto& l = s.tcp[i];
    if (!l.tls_on()) continue;
    std::string why;
    if (auto tls = transport::tls_context::make(true, l.tls, why))
      srv.replace_tls(static_cast<std::uint16_t>(i), std::move(tls));
    else
      say(log_level::warning, fmt::format("{} listener on port {}: certificate kept as it was: {}",
                                          l.scheme(), l.port, why));
  }
  srv.flush();
}

// Every listener, then the port and pid files (written as the user started, like mosquitto's
// pid_file). Returns an exit status.
int bind_all(mqtk::broker::server& srv, const settings& s) {
  std::vector<std::uint16_t> ports;
  if (const int status = listen_tcp(srv, s, ports); status != exit_ok) return status;
  for (const auto& path : s.unix_paths) {
    if (auto r = srv.listen_unix(path); !r) {
      fail(fmt::format("cannot listen on {}: {}", path, r.error().message()));
      return exit_failure;
    }
    say("listening on unix:" + path);
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
      fail("cannot write " + *s.port_file);
      return exit_failure;
    }
  }
  if (s.pid_file && !write_pid(*s.pid_file)) return exit_failure;
  return exit_ok;
}

// `user`: once the ports are bound. What is read afterwards (the store, the password and ACL
// files, and on SIGHUP the certificates too) is read as that user.
bool become(const settings& s) {
  if (!s.user || s.user->empty()) return true; // mosquitto: an empty user keeps the privileges
  std::string note, why;
  if (!drop_privileges(*s.user, note, why)) {
    fail(why);
    return false;
  }
  say(note);
  return true;
}

// Signals until the broker stops: SIGINT and SIGTERM end it, SIGHUP reloads.
using bridges = std::vector<std::unique_ptr<mqtk::bridge::bridge>>;

// Each bridge attaches to the core and connects; it logs its own state changes.
bool start_bridges(asio::io_context& io, const settings& s, mqtk::broker::broker_core& core,
                   mqtk::broker::server& srv, bridges& out) {
  mqtk::bridge::hooks h;
  h.log = [](log_level level, std::string line) { say(level, line); };
  h.flush = [&srv] { srv.flush(); };
  if (logs(log_level::debug))
    h.trace = [](const std::string& line) { say(log_level::debug, line); };
  h.sys_interval = static_cast<unsigned>(
      std::chrono::duration_cast<std::chrono::seconds>(s.core.sys_interval).count());
  for (const auto& b : s.bridges) {
    out.push_back(std::make_unique<mqtk::bridge::bridge>(io, core, b, h));
    if (std::string why; !out.back()->start(why)) {
      fail(fmt::format("bridge {}: {}", b.name, why));
      return false;
    }
  }
  return true;
}

void serve(asio::io_context& io, const settings& s, mqtk::broker::broker_core& core,
           mqtk::broker::server& srv, access& rules, bridges& links) {
  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](std::error_code ec, int sig) {
    if (ec) return;
    say(fmt::format("{} received, shutting down", sig == SIGINT ? "SIGINT" : "SIGTERM"));
    for (auto& b : links) // first, so their last words reach the other brokers and the clients
      b->stop();
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
  say(fmt::format("stopped; {} messages in, {} out, {} dropped", st.messages_received,
                  st.messages_sent, st.publish_dropped));
}

bool logs_to_terminal_only(const settings& s) {
  return std::all_of(s.log.dest.begin(), s.log.dest.end(), [](const std::string& d) {
    return d == "stderr" || d == "stdout" || d == "none";
  });
}

} // namespace

int run(const settings& s) {
  if (!open_log(s.log)) return exit_usage;
  if (s.test_config) return check_config(s);
  if (s.daemon) { // before any thread: the password pool's workers would not survive a fork
    if (logs_to_terminal_only(s))
      say(log_level::warning, "-d: the log goes to /dev/null once in the background; "
                              "log_dest file PATH keeps it");
    if (std::string why; !daemonize(why)) {
      fail(why);
      return exit_failure;
    }
  }
  asio::io_context io(1);
  mqtk::broker::broker_core core(s.core);
  mqtk::broker::server srv(io, core);
  // log_type decides which lines are written; the core makes connection lines only when they are
  // (settings: connection_messages), the server socket lines only for debug.
  srv.set_logger([](log_level level, const std::string& line) { say(level, line); },
                 logs(log_level::debug));
  // Refused before binding: a second broker on a store in use neither says it listens nor
  // overwrites the first's pid file. (As the user started: the file may be the target user's.)
  if (std::string why; s.persistence && store::sqlite_store::held_elsewhere(*s.persistence, why)) {
    fail(why);
    return exit_failure;
  }
  if (const int status = bind_all(srv, s); status != exit_ok) return status;
  if (!become(s)) return exit_failure;
  // Restored before the first accept (srv.start()): clients queue in the listen backlog.
  std::unique_ptr<store::sqlite_store> db;
  if (s.persistence && !(db = open_store(s, core))) return exit_failure;
  access rules;
  if (!start_access(io, s, core, srv, rules)) return exit_usage;
  if (db)
    srv.set_journal_sink([&db, &io](std::vector<mqtk::broker::journal_record>& batch,
                                    std::string& why) {
      const bool saved = db->save(std::move(batch), why);
      // On the writer's thread: the line is written by the event loop, which owns the log.
      if (auto trouble = db->take_fold_trouble())
        asio::post(io, [t = std::move(*trouble)] { say(log_level::warning, "persistence: " + t); });
      return saved;
    });
  // Bridges attach before the first client is accepted: a restored bridge session is the
  // bridge's to take over, not a client's that connects under its name first.
  bridges links;
  if (!start_bridges(io, s, core, srv, links)) return exit_usage;
  srv.start();
  daemon_ready();
  serve(io, s, core, srv, rules, links);
  srv.set_journal_sink(nullptr); // the last records are saved while the store is open
  if (s.pid_file) std::remove(s.pid_file->c_str());
  return exit_ok;
}

} // namespace mqtk::app::broker
