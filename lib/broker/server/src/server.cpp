// SPDX-License-Identifier: MIT
// Asio listeners and connections for broker_core: read big and parse many, one gather write per
// socket, no buffers held by idle connections.
#include "mqtk/broker/server.hpp"

#include <arpa/inet.h>
#include <asio.hpp>
#include <filesystem>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <unordered_map>
#include <vector>

#include "journal_batches.hpp"
#include "journal_writer.hpp"
#include "mqtk/transport/tls.hpp"
#include "mqtk/transport/websocket.hpp"

namespace mqtk::broker {

using stream = asio::generic::stream_protocol;
// Design: sockets bound to io_context's own executor rather than asio::any_io_executor, which
// is several words larger; every idle connection holds one (the S7 benchmark counts them).
using executor_t = asio::io_context::executor_type;
using acceptor_t = asio::basic_socket_acceptor<stream, executor_t>;
using socket_t = asio::basic_stream_socket<stream, executor_t>;

namespace {
session::time_point now() {
  return session::clock::now();
}

// "ADDRESS:PORT" of a socket address ([ADDRESS]:PORT for IPv6); empty for a Unix socket.
std::string address_of(const sockaddr_storage& sa) {
  char text[INET6_ADDRSTRLEN] = {};
  if (sa.ss_family == AF_INET) {
    const auto& in = reinterpret_cast<const sockaddr_in&>(sa);
    ::inet_ntop(AF_INET, &in.sin_addr, text, sizeof text);
    return std::string(text) + ":" + std::to_string(ntohs(in.sin_port));
  }
  if (sa.ss_family == AF_INET6) {
    const auto& in = reinterpret_cast<const sockaddr_in6&>(sa);
    ::inet_ntop(AF_INET6, &in.sin6_addr, text, sizeof text);
    return "[" + std::string(text) + "]:" + std::to_string(ntohs(in.sin6_port));
  }
  return {};
}

// " from ADDRESS:PORT on port N" for a log line; asked of the socket only when a line needs it,
// so a connection stores no address (an idle connection's size is what S7 measures).
std::string peer_of(int fd) {
  sockaddr_storage peer{}, local{};
  socklen_t n = sizeof peer, m = sizeof local;
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &n) != 0) return {};
  if (peer.ss_family == AF_UNIX) return " on a Unix socket";
  std::string r = " from " + address_of(peer);
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &m) == 0) {
    const auto at = address_of(local);
    r += " on port " + at.substr(at.rfind(':') + 1);
  }
  return r;
}
} // namespace

struct listening {
  acceptor_t acceptor;
  listener_options options;
  std::uint16_t index = 0; // in the order listen_*() was called: the access policy sees it
};

// What only TLS and WebSocket connections need, on the heap: plain ones hold one null pointer.
struct layered_io {
  std::unique_ptr<transport::layer> layer;
  const listener_options* options = nullptr;
  buffer wire; // the layer's output being written
  bool open = false;
  session::time_point linger_until{}; // set while waiting for the peer's side of a close
};

// A write in progress: the core's output and its pieces for one gather write. Allocated while a
// connection writes and freed when it falls idle, so an idle connection holds none of it.
struct pending_write {
  output writing;
  std::vector<asio::const_buffer> gather; // writing's pieces in order
  std::uint64_t after_batch = 0;          // the journal batch to be saved before it goes
};

struct connection_io {
  explicit connection_io(socket_t s) : socket(std::move(s)) {}
  socket_t socket;
  connection_id id = 0;
  std::unique_ptr<pending_write> out;
  // TLS and/or WebSocket; null for plain MQTT (which keeps the zero-copy gather write).
  std::unique_ptr<layered_io> tls_ws;
  bool write_pending = false;
  bool read_pending = false;
  bool close_after_write = false;
  bool closed = false;
  // When a closing connection's last output must be written by; a peer that reads nothing
  // (a slow consumer disconnected, a half-open socket) is closed without it then.
  session::time_point close_by{};
};

struct server::impl {
  impl(asio::io_context& context, broker_core& c) : io(context), core(c), tick(context) {}

  asio::io_context& io;
  broker_core& core;
  asio::steady_timer tick;
  // Design: generic stream acceptors serve TCP and Unix-domain listeners with one connection type.
  std::vector<std::unique_ptr<listening>> acceptors;
  std::unordered_map<connection_id, std::shared_ptr<connection_io>> conns;
  // Design: one scratch buffer for every read. A connection waits for readability and then reads
  // into it without blocking, so an idle connection holds no read buffer (DESIGN.md §2).
  std::vector<std::uint8_t> scratch = std::vector<std::uint8_t>(256 * 1024);
  buffer plain; // what a layer unwrapped from scratch
  server::logger log;
  bool log_sockets = false;
  std::function<void()> on_drained;
  bool stopping = false;
  // Output waits for the journal it depends on (journal_batches.hpp): after_batch.
  server::journal_sink save;
  std::unique_ptr<detail::journal_writer> writer;
  detail::journal_batches batches;
  std::vector<std::shared_ptr<connection_io>> held; // output taken, waiting for its batch
  bool in_trouble = false;                          // closing everything after a failed save
  bool store_failing = false; // since the first failed save, until one succeeds
  bool hand_over_posted = false;

  // Lets a writer's wake-up that arrives after the server is gone do nothing.
  std::shared_ptr<int> alive = std::make_shared<int>(0);

  ~impl() { finish_journal(); }

  void adopt(socket_t s, const listener_options& o, std::uint16_t index) {
    std::unique_ptr<transport::layer> layer;
    if (o.tls || o.websocket) {
      std::string why;
      layer = make_layer(o, why);
      if (!layer) {
        if (log) log(log_level::warning, "cannot start a TLS or WebSocket connection: " + why);
        return;
      }
    }
    const auto id = core.on_accept(now(), index);
    if (!id) return; // over max_connections: the socket closes as it goes out of scope
    auto c = std::make_shared<connection_io>(std::move(s));
    c->id = *id;
    // Once: reads follow a readiness wait and must never block (an ioctl per read cost 2%).
    std::error_code ignored;
    c->socket.non_blocking(true, ignored);
    if (layer) c->tls_ws.reset(new layered_io{std::move(layer), &o, {}, false, {}});
    conns.emplace(*id, c);
    if (log_sockets)
      log(log_level::debug,
          "connection " + std::to_string(*id) + " opened" + peer_of(c->socket.native_handle()));
    wait_read(c);
  }

  static std::unique_ptr<transport::layer> make_layer(const listener_options& o, std::string& why) {
    std::unique_ptr<transport::layer> tls;
    if (o.tls && !(tls = o.tls->connection("", why))) return nullptr;
    if (!o.websocket) return tls;
    auto ws = transport::websocket_server(o.max_frame, why);
    if (!ws) return nullptr;
    return tls ? transport::stack(std::move(tls), std::move(ws)) : std::move(ws);
  }

  void accept_loop(listening& l) {
    auto& a = l.acceptor;
    a.async_accept([this, &l](std::error_code ec, socket_t s) {
      if (ec == asio::error::operation_aborted || stopping) return;
      if (!ec) {
        if (l.options.tcp_nodelay && s.local_endpoint(ec).protocol().family() != AF_UNIX) {
          // TCP_NODELAY: we coalesce writes ourselves, Nagle would only add latency.
          const int one = 1;
          ::setsockopt(s.native_handle(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        }
        adopt(std::move(s), l.options, l.index);
        pump();
      }
      accept_loop(l);
    });
  }

  result<void> listen(const stream::endpoint& ep, bool reuse, listener_options o = {}) {
    std::error_code ec;
    auto l = std::make_unique<listening>(
        listening{acceptor_t(io), std::move(o), static_cast<std::uint16_t>(acceptors.size())});
    auto* a = &l->acceptor;
    a->open(ep.protocol(), ec);
    if (!ec && reuse) a->set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) a->bind(ep, ec);
    if (!ec) a->listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return unexpected(ec);
    acceptors.push_back(std::move(l));
    return {};
  }

  void wait_read(const std::shared_ptr<connection_io>& c) {
    if (c->read_pending || c->closed || c->close_after_write || !core.wants_read(c->id)) return;
    c->read_pending = true;
    c->socket.async_wait(socket_t::wait_read, [this, c](std::error_code ec) {
      c->read_pending = false;
      if (c->closed) return;
      if (ec) return gone(c, "socket error: " + ec.message());
      on_readable(c);
    });
  }

  void on_readable(const std::shared_ptr<connection_io>& c) {
    std::error_code ec;
    const auto n = c->socket.read_some(asio::buffer(scratch), ec);
    if (ec == asio::error::would_block) return wait_read(c);
    if (ec) return gone(c, "socket error: " + ec.message());
    if (n == 0) return gone(c, "the client closed the connection without DISCONNECT");
    if (c->tls_ws) {
      if (!unwrap(c, byte_view(scratch.data(), n))) return;
    } else {
      core.on_bytes(c->id, byte_view(scratch.data(), n), now());
    }
    pump();
    wait_read(c);
  }

  // Bytes through the connection's layer to the core. False when the connection is closing: the
  // layer broke (its last word, an HTTP refusal or a close frame, is written first) or ended.
  bool unwrap(const std::shared_ptr<connection_io>& c, byte_view bytes) {
    plain.clear();
    auto& t = *c->tls_ws;
    const bool ok = t.layer->from_wire(bytes, plain);
    if (!t.open && t.layer->open()) {
      t.open = true;
      // Before CONNECT is read: the identity must be known when the core decides on it.
      if (t.options->identity_as_username) core.set_identity(c->id, t.layer->peer_name());
    }
    if (!plain.empty()) core.on_bytes(c->id, plain, now());
    if (ok && !t.layer->ended()) {
      if (t.layer->has_wire()) write(c); // the layer's own words: handshake, pong
      return true;
    }
    if (!ok && log_sockets)
      log(log_level::debug, "connection " + std::to_string(c->id) + ": " + t.layer->error());
    c->close_after_write = true;
    write(c);
    pump();
    return false;
  }

  /// `why`: the transport's account, for the disconnect line when the core had no reason.
  void gone(const std::shared_ptr<connection_io>& c, const std::string& why = {}) {
    if (c->closed) return;
    c->closed = true;
    std::error_code ignored;
    c->socket.close(ignored);
    const auto& layer_error = c->tls_ws ? c->tls_ws->layer->error() : std::string();
    core.on_closed(c->id, now(), why.empty() && !layer_error.empty() ? layer_error : why);
    conns.erase(c->id);
    if (log_sockets) log(log_level::debug, "connection " + std::to_string(c->id) + " closed");
    pump();
    if (stopping && conns.empty() && on_drained) std::exchange(on_drained, nullptr)();
  }

  // A layered connection's output: the core's bytes wrapped (copied: TLS encrypts anyway).
  void write_layered(const std::shared_ptr<connection_io>& c, std::uint64_t after) {
    auto& t = *c->tls_ws;
    if (!c->out) c->out = std::make_unique<pending_write>();
    auto& writing = c->out->writing;
    core.take_output(c->id, writing);
    if (!writing.empty()) {
      const auto flat = writing.flatten();
      t.layer->to_wire(flat);
    }
    if (c->close_after_write && t.layer->open() && !t.layer->ended() && writing.empty())
      t.layer->end();
    t.wire.clear();
    t.layer->take_wire(t.wire);
    if (t.wire.empty()) {
      if (c->close_after_write) linger(c);
      return;
    }
    c->write_pending = true;
    send_once_saved(c, after);
  }

  // Design: a WebSocket or TLS peer answers our close frame or close_notify with its own. Closing
  // the socket at once would make its answer fail (MQTT.js reports EPIPE after every DISCONNECT),
  // so a cleanly closing layered connection half-closes and reads until the peer is done, for at
  // most linger_time (checked on the tick).
  static constexpr session::duration linger_time = std::chrono::seconds(2);
  void linger(const std::shared_ptr<connection_io>& c) {
    auto& t = *c->tls_ws;
    if (!t.layer->error().empty() || t.linger_until != session::time_point{}) return gone(c);
    t.linger_until = now() + linger_time;
    std::error_code ignored;
    c->socket.shutdown(socket_t::shutdown_send, ignored);
    drain(c);
  }
  void drain(const std::shared_ptr<connection_io>& c) {
    c->socket.async_wait(socket_t::wait_read, [this, c](std::error_code ec) {
      if (c->closed) return;
      std::size_t n = 0;
      if (!ec) n = c->socket.read_some(asio::buffer(scratch), ec);
      if (ec == asio::error::would_block) return drain(c);
      if (ec || n == 0) return gone(c);
      drain(c);
    });
  }

  void write(const std::shared_ptr<connection_io>& c) {
    if (c->write_pending || c->closed) return;
    const auto after = journal_mark(); // before the output: it covers what the output follows
    if (c->tls_ws) return write_layered(c, after);
    if (!c->out) c->out = std::make_unique<pending_write>();
    core.take_output(c->id, c->out->writing);
    if (c->out->writing.empty()) {
      if (c->close_after_write) return gone(c);
      c->out.reset(); // idle now: give the buffers back (most connections are idle)
      return;
    }
    c->write_pending = true;
    gather_of(c->out->writing, c->out->gather);
    send_once_saved(c, after);
  }

  void send_once_saved(const std::shared_ptr<connection_io>& c, std::uint64_t after) {
    if (after > batches.saved_up_to()) {
      c->out->after_batch = after;
      held.push_back(c);
      return;
    }
    send(c);
  }

  void send(const std::shared_ptr<connection_io>& c) {
    const auto done = [this, c](std::error_code ec, std::size_t) {
      c->write_pending = false;
      if (c->closed) return;
      if (ec) return gone(c, "write failed: " + ec.message());
      write(c);
      pump();
    };
    if (c->tls_ws)
      asio::async_write(c->socket, asio::buffer(c->tls_ws->wire), done);
    else
      asio::async_write(c->socket, c->out->gather, done);
  }

  // One gather write: the bytes, with each shared payload between them at its offset.
  static void gather_of(const output& o, std::vector<asio::const_buffer>& g) {
    g.clear();
    std::size_t from = 0;
    for (const auto& s : o.splices) {
      if (s.at > from) g.emplace_back(o.bytes.data() + from, s.at - from);
      g.emplace_back(s.message->payload.data(), s.message->payload.size());
      from = s.at;
    }
    if (o.bytes.size() > from) g.emplace_back(o.bytes.data() + from, o.bytes.size() - from);
  }

  // Takes the core's journal; once the loop's round of ready handlers is done (a posted
  // hand-over, so that a round is one batch), hands what waits to the writer when it is free.
  // Returns the batch that must be saved before output taken now may go out (0 once the core
  // refuses what needs a save while saving fails: its output is then safe to send).
  std::uint64_t journal_mark() {
    if (!writer) return 0;
    batches.add(core.take_journal());
    if (store_failing) return 0; // tried again on the tick
    if (batches.ready() && !hand_over_posted) {
      hand_over_posted = true;
      asio::post(io, [this, alive = std::weak_ptr<int>(alive)] {
        if (alive.expired()) return;
        hand_over_posted = false;
        if (writer && !store_failing && batches.ready()) writer->submit(batches.hand_over());
      });
    }
    return batches.mark();
  }

  // On the loop's thread, once the writer is done with the batch in hand.
  void on_saved() {
    if (!writer) return; // finished meanwhile: finish_journal() took the outcome
    auto o = writer->take_outcome();
    if (!o) return;
    batches.done();
    if (o->ok) {
      if (store_failing) {
        store_failing = false;
        core.set_store_failing(false);
        if (log) log(log_level::notice, "the broker's state is saved again");
      }
    } else if (!batches.put_back(std::move(o->batch))) {
      // Only the $SYS totals: nothing waits for them and newer ones come; not worth closing
      // anyone's connection over.
      if (log) log(log_level::warning, "cannot save the $SYS totals (" + o->why + ")");
    } else {
      if (!store_failing) {
        // Once the core knows, it refuses whatever would need a save: its output may go out.
        store_failing = true;
        core.set_store_failing(true);
        storage_trouble(o->why); // held output among the rest: it may acknowledge the unsaved
      }
    }
    auto waiting = std::exchange(held, {});
    for (auto& c : waiting) {
      if (c->closed) continue;
      if (c->out->after_batch <= batches.saved_up_to())
        send(c);
      else
        held.push_back(std::move(c));
    }
    pump();
  }

  // At exit, on the loop's thread: what the core journaled last is saved before the store goes.
  void finish_journal() {
    if (!writer) return;
    hand_over_posted = false; // a posted hand-over finds no writer: the last save takes all
    writer->stop();
    if (auto o = writer->take_outcome(); o && !o->ok) batches.put_back(std::move(o->batch));
    writer.reset();
    core.journal_totals(); // the totals as they stand at exit, DISCONNECTs counted
    batches.add(core.take_journal());
    auto last = batches.take_all();
    std::string why;
    if (!last.empty() && !save(last, why) && log)
      log(log_level::error, "cannot save the broker's last state (" + why + ")");
  }

  void storage_trouble(const std::string& why) {
    if (in_trouble) return;
    in_trouble = true;
    if (log)
      log(log_level::error,
          "cannot save the broker's state (" + why + "); closing " + std::to_string(conns.size()) +
              " connections unacknowledged; until a save succeeds, what needs one is refused");
    auto all = std::move(conns);
    conns.clear();
    for (auto& [id, c] : all) {
      c->closed = true;
      std::error_code ignored;
      c->socket.close(ignored);
      core.on_closed(id, now(), "closed unacknowledged: the broker could not save its state");
    }
    in_trouble = false;
    if (stopping && on_drained) std::exchange(on_drained, nullptr)();
  }

  // Hands every pending effect of the core to the sockets (and its log lines to the logger).
  void pump() {
    for (auto& e : core.take_log())
      if (log) log(e.level, render(e));
    journal_mark(); // a change without output (a session closing) is saved too
    for (const auto id : core.take_ready())
      if (const auto it = conns.find(id); it != conns.end()) write(it->second);
    for (const auto id : core.take_closing()) {
      if (const auto it = conns.find(id); it != conns.end()) {
        auto c = it->second;
        c->close_after_write = true;
        c->close_by = now() + linger_time;
        if (!c->write_pending) write(c);
      }
    }
    for (const auto id : core.take_resumed())
      if (const auto it = conns.find(id); it != conns.end()) wait_read(it->second);
  }

  // A core line with the peer's address put in, while the socket still knows it.
  std::string render(log_entry& e) const {
    if (e.peer_at > e.text.size()) return std::move(e.text);
    if (const auto it = conns.find(e.conn); it != conns.end())
      e.text.insert(e.peer_at, peer_of(it->second->socket.native_handle()));
    return std::move(e.text);
  }

  void arm_tick() {
    tick.expires_after(broker_core::tick_interval);
    tick.async_wait([this](std::error_code ec) {
      if (ec) return;
      const auto t = now();
      std::vector<std::shared_ptr<connection_io>> overdue;
      for (const auto& [id, c] : conns) {
        const bool lingered = c->tls_ws && c->tls_ws->linger_until != session::time_point{} &&
                              t >= c->tls_ws->linger_until;
        const bool stuck =
            c->write_pending && c->close_by != session::time_point{} && t >= c->close_by;
        if (lingered || stuck) overdue.push_back(c);
      }
      for (const auto& c : overdue)
        gone(c, c->write_pending ? "it did not read its last packets within 2 s" : "");
      core.on_tick(now());
      if (store_failing && !batches.saving() && writer) {
        journal_mark();
        if (batches.ready()) writer->submit(batches.hand_over()); // a retry a tick while failing
      }
      pump();
      arm_tick();
    });
  }
};

server::server(asio::io_context& io, broker_core& core) : impl_(std::make_unique<impl>(io, core)) {}
server::~server() = default;

result<std::uint16_t> server::listen_tcp(const std::string& address, std::uint16_t port,
                                         listener_options options) {
  std::error_code ec;
  const auto addr = asio::ip::make_address(address, ec);
  if (ec) return unexpected(ec);
  if (auto r = impl_->listen(stream::endpoint(asio::ip::tcp::endpoint(addr, port)), true,
                             std::move(options));
      !r)
    return unexpected(r.error());
  const stream::endpoint bound = impl_->acceptors.back()->acceptor.local_endpoint(ec);
  const auto* sa = reinterpret_cast<const sockaddr_in*>(bound.data());
  return ntohs(sa->sin_port); // sin_port sits at the same offset in sockaddr_in6
}

result<void> server::listen_unix(const std::string& path) {
  std::error_code ec;
  std::filesystem::remove(path, ec);
  return impl_->listen(stream::endpoint(asio::local::stream_protocol::endpoint(path)), false);
}

void server::start() {
  for (auto& l : impl_->acceptors)
    impl_->accept_loop(*l);
  impl_->arm_tick();
}

void server::shutdown(std::function<void()> done) {
  impl_->stopping = true;
  std::error_code ignored;
  for (auto& l : impl_->acceptors)
    l->acceptor.close(ignored);
  impl_->core.shutdown(now());
  if (impl_->conns.empty()) {
    impl_->tick.cancel();
    return done();
  }
  impl_->on_drained = [this, done = std::move(done)] {
    impl_->tick.cancel();
    done();
  };
  impl_->pump();
}

void server::complete_auth(connection_id id, verdict v) {
  impl_->core.complete_auth(id, v, now());
  impl_->pump();
}

void server::replace_tls(std::uint16_t listener, std::shared_ptr<transport::tls_context> tls) {
  if (listener < impl_->acceptors.size()) impl_->acceptors[listener]->options.tls = std::move(tls);
}

void server::flush() {
  impl_->pump();
}

void server::set_journal_sink(journal_sink save) {
  auto& i = *impl_;
  i.finish_journal();
  i.save = std::move(save);
  if (i.save)
    i.writer =
        std::make_unique<detail::journal_writer>(i.save, [&i, alive = std::weak_ptr<int>(i.alive)] {
          asio::post(i.io, [&i, alive] {
            if (!alive.expired()) i.on_saved();
          });
        });
}

void server::set_logger(logger log, bool connections) {
  impl_->log = std::move(log);
  impl_->log_sockets = connections && impl_->log;
}

} // namespace mqtk::broker
