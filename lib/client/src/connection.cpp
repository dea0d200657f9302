// SPDX-License-Identifier: MIT
// The Asio side of a client connection: resolve, connect, read, coalesced writes, timers,
// reconnecting with back-off, and the MQTT 5 → 3.1.1 fallback of -V auto.
#include "mqtk/client/connection.hpp"

#include <asio.hpp>
#include <fmt/format.h>
#include <random>

#include "mqtk/codec/decoder.hpp"
#include "mqtk/codec/format.hpp"
#include "mqtk/core/errc.hpp"
#include "mqtk/transport/tls.hpp"
#include "mqtk/transport/websocket.hpp"

namespace mqtk::client {

using session::clock;
using stream = asio::generic::stream_protocol;

namespace {

// Reasons a broker gives when it is going away or overloaded, not when it objects to us: worth
// another try. Anything else (bad credentials, session taken over, a protocol error) is final.
bool transient(const std::error_code& ec) {
  // Asio reports socket errors in its own "asio.system" category, not std::system_category().
  if (ec.category() == std::generic_category() || ec.category() == std::system_category() ||
      ec.category() == asio::error::get_system_category() ||
      ec.category() == asio::error::get_misc_category() ||
      ec.category() == asio::error::get_netdb_category())
    return true;
  if (ec.category() != reason_category()) return false;
  switch (static_cast<reason_code>(ec.value())) {
  case reason_code::server_unavailable:
  case reason_code::server_busy:
  case reason_code::server_shutting_down:
  case reason_code::keep_alive_timeout:
    return true;
  default:
    return false;
  }
}

std::string describe(const session::event::closed& c) {
  std::string r = c.error.message();
  if (c.reason_string) r += " (" + *c.reason_string + ")";
  return r;
}

} // namespace

struct connection::impl : std::enable_shared_from_this<impl> {
  impl(asio::io_context& context, session::client_config config, endpoint e)
      : io(context), where(std::move(e)), s(config), original(std::move(config)), resolver(context),
        socket(context), timer(context), retry_timer(context), trace_decoder(s.version()) {}

  asio::io_context& io;
  endpoint where;
  session::client_session s;
  session::client_config original;
  asio::ip::tcp::resolver resolver;
  stream::socket socket;
  asio::steady_timer timer;
  asio::steady_timer retry_timer;
  event_handler on_event;
  buffer writing;
  // Each attempt bumps the generation; callbacks of an earlier socket see a stale one and stop.
  std::uint64_t generation = 0;
  bool write_pending = false;
  bool transport_up = false;   // this attempt's socket is connected
  bool ever_connected = false; // a CONNACK with Success was seen
  bool user_closing = false;   // disconnect() or abort() was called
  bool closing = false;        // a closed event is pending until the output is flushed
  bool closed = false;         // final: the tool has been told
  // Design: the session's closed event is held back until everything queued before it (the last
  // QoS 0 messages, the DISCONNECT) is written and the socket is closed, so a tool that exits on
  // it loses nothing.
  std::optional<session::event::closed> pending_close;
  failure why = failure::none;
  std::function<void(const std::string&)> trace;
  std::function<void()> drained;
  codec::stream_decoder trace_decoder;
  reconnect_policy policy;
  std::function<void(const std::string&)> notice;
  unsigned attempt = 0;
  bool version_fallback = false;
  std::optional<std::minstd_rand> jitter; // seeded on first use: random_device costs start-up
  // TLS and/or WebSocket between the socket and the session; null for plain TCP.
  std::unique_ptr<transport::layer> layer;
  buffer plain; // the layer's plain side: bytes read, or the session's output to wrap
  bool session_started = false;

  void attempt_connect() {
    const auto gen = ++generation;
    transport_up = false;
    closing = false;
    pending_close.reset();
    layer.reset();
    socket = stream::socket(io);
    trace_decoder = codec::stream_decoder(s.version());
    auto self = shared_from_this();
    armed.reset();
    timer.expires_after(where.connect_timeout);
    timer.async_wait([self, gen](std::error_code ec) {
      if (!ec && gen == self->generation && !self->transport_up)
        self->transport_failed(failure::timed_out, std::make_error_code(std::errc::timed_out));
    });
    if (!where.unix_path.empty())
      return connect_to({stream::endpoint(asio::local::stream_protocol::endpoint(where.unix_path))},
                        0);
    // A numeric address needs no resolver (whose thread costs start-up time).
    std::error_code ec;
    const auto address = asio::ip::make_address(where.host, ec);
    if (!ec) return connect_to({stream::endpoint(asio::ip::tcp::endpoint(address, where.port))}, 0);
    // "localhost" comes from /etc/hosts without a network round trip: resolving it in place
    // saves the resolver thread's start (a fifth of a one-shot publish).
    if (where.host == "localhost") {
      auto r = resolver.resolve(where.host, std::to_string(where.port), ec);
      if (ec) return transport_failed(failure::unreachable, ec);
      std::vector<stream::endpoint> eps;
      for (const auto& e : r)
        eps.emplace_back(e.endpoint());
      return connect_to(std::move(eps), 0);
    }
    resolver.async_resolve(
        where.host, std::to_string(where.port),
        [self, gen](std::error_code ec2, asio::ip::tcp::resolver::results_type r) {
          if (gen != self->generation || self->closed) return;
          if (ec2) return self->transport_failed(failure::unreachable, ec2);
          std::vector<stream::endpoint> eps;
          for (const auto& e : r)
            eps.emplace_back(e.endpoint());
          self->connect_to(std::move(eps), 0);
        });
  }

  // Tries each address in turn, from the bind address when one is given.
  void connect_to(std::vector<stream::endpoint> eps, std::size_t i, std::error_code last = {}) {
    if (i == eps.size()) return transport_failed(failure::unreachable, last);
    std::error_code ec;
    socket = stream::socket(io);
    socket.open(eps[i].protocol(), ec);
    if (!ec && !where.bind_address.empty()) {
      const auto local = asio::ip::make_address(where.bind_address, ec);
      if (!ec) socket.bind(stream::endpoint(asio::ip::tcp::endpoint(local, 0)), ec);
    }
    if (ec) return connect_to(std::move(eps), i + 1, ec);
    auto self = shared_from_this();
    const auto gen = generation;
    const auto target = eps[i];
    socket.async_connect(target, [self, gen, eps = std::move(eps), i](std::error_code ec2) mutable {
      if (gen != self->generation || self->closed) return;
      if (ec2) return self->connect_to(std::move(eps), i + 1, ec2);
      self->on_transport_up();
    });
  }

  void on_transport_up() {
    transport_up = true;
    timer.cancel();
    std::error_code nb;
    socket.non_blocking(true, nb); // read_some after a readiness wait must never block
    if (where.unix_path.empty()) {
      std::error_code ignored;
      socket.set_option(asio::ip::tcp::no_delay(true), ignored);
    }
    session_started = false;
    std::string problem;
    layer = make_layer(problem);
    if (!layer && !problem.empty()) return handshake_failed(problem);
    // With a layer, CONNECT waits until the TLS and WebSocket handshakes are done.
    if (!layer) start_session();
    after();
    read();
  }

  std::unique_ptr<transport::layer> make_layer(std::string& problem) const {
    std::unique_ptr<transport::layer> tls;
    if (where.tls) {
      tls = where.tls->connection(where.tls_verify_host, problem);
      if (!tls) return nullptr;
    }
    if (!where.websocket) return tls;
    const auto host =
        where.host.find(':') != std::string::npos ? "[" + where.host + "]" : where.host;
    auto ws = transport::websocket_client(
        {host + ":" + std::to_string(where.port), where.ws_path, where.ws_headers}, problem);
    if (!ws) return nullptr;
    return tls ? transport::stack(std::move(tls), std::move(ws)) : std::move(ws);
  }

  void start_session() {
    session_started = true;
    if (trace && layer) trace("transport: " + layer->describe());
    s.start(clock::now());
  }

  // A TLS or WebSocket handshake failed: like a refused TCP connection, the broker was not
  // reached (exit 3), and the layer's words say why.
  void handshake_failed(const std::string& problem) {
    auto c = session::event::closed{std::make_error_code(std::errc::protocol_error), false, problem,
                                    std::nullopt};
    std::error_code ignored;
    socket.close(ignored);
    if (!user_closing && ever_connected && policy.enabled) return retry(c);
    finish(std::move(c), failure::unreachable);
  }

  // Bytes read: through the layer (if any) to the session.
  void on_read(byte_view bytes) {
    if (!layer) return deliver(bytes);
    plain.clear();
    const bool ok = layer->from_wire(bytes, plain);
    if (!session_started && layer->open()) start_session();
    if (!plain.empty()) deliver(plain);
    if (closed) return;
    if (!ok) {
      if (!session_started) return handshake_failed(layer->error());
      s.on_connection_lost();
      if (!closing)
        pending_close = session::event::closed{std::make_error_code(std::errc::protocol_error),
                                               true, layer->error(), std::nullopt};
      closing = true;
      return shut();
    }
    if (layer->ended()) return lost(asio::error::eof);
    after();
  }

  void deliver(byte_view bytes) {
    if (trace) trace_in(bytes);
    s.on_bytes(bytes, clock::now());
    after();
  }

  // Before the socket was up: a first failure is final (exit 3); after a session was up it is
  // one more reason to wait and retry.
  void transport_failed(failure f, std::error_code ec) {
    if (closed) return;
    std::error_code ignored;
    socket.close(ignored);
    if (!user_closing && ever_connected && policy.enabled)
      return retry(session::event::closed{ec, false, std::nullopt, std::nullopt});
    finish(session::event::closed{ec, false, std::nullopt, std::nullopt}, f);
  }

  // Design: wait for readability, then read into one buffer per thread. An idle connection
  // holds no read buffer, which matters for a bench holding 10,000 of them.
  void read() {
    auto self = shared_from_this();
    const auto gen = generation;
    socket.async_wait(stream::socket::wait_read, [self, gen](std::error_code ec) {
      if (gen != self->generation || self->closed) return;
      if (ec) return self->lost(ec);
      thread_local std::array<std::uint8_t, 64 * 1024> scratch;
      const auto n = self->socket.read_some(asio::buffer(scratch), ec);
      if (ec == asio::error::would_block || ec == asio::error::try_again) return self->read();
      if (ec) return self->lost(ec);
      self->on_read(byte_view(scratch.data(), n));
      if (gen == self->generation && !self->closed && self->transport_up) self->read();
    });
  }

  // The socket failed under a live session. The session reports why if it knows (CONNACK
  // refusal, DISCONNECT); otherwise it is a lost connection.
  void lost(std::error_code ec) {
    if (layer && !session_started)
      return handshake_failed(fmt::format(
          "the server closed the connection during the {} handshake ({})",
          where.websocket ? (where.tls ? "TLS and WebSocket" : "WebSocket") : "TLS", ec.message()));
    s.on_connection_lost();
    if (!closing) pending_close = session::event::closed{ec, true, std::nullopt, std::nullopt};
    closing = true;
    shut();
  }

  void trace_in(byte_view bytes) {
    trace_decoder.feed(bytes);
    for (;;) {
      auto p = trace_decoder.next();
      if (!p || !*p) break;
      trace("<- " + codec::to_string(**p));
    }
  }

  void trace_out(const buffer& bytes, const char* direction) {
    if (!trace) return;
    codec::stream_decoder d(s.version());
    d.feed(bytes);
    while (auto p = d.next()) {
      if (!*p) break;
      trace(std::string(direction) + " " + codec::to_string(**p));
    }
  }

  // After every input: deliver events, write output, re-arm the session's timer.
  void after() {
    for (auto& e : s.take_events()) {
      if (auto* c = std::get_if<session::event::closed>(&e)) {
        closing = true;
        pending_close = std::move(*c);
        continue;
      }
      if (std::holds_alternative<session::event::connected>(e)) {
        ever_connected = true;
        attempt = 0;
      }
      on_event(e);
      if (closed) return;
    }
    flush();
    arm();
  }

  void flush() {
    if (write_pending || closed) return;
    if (transport_up) collect(writing);
    if (!transport_up || writing.empty()) {
      if (closing) shut();
      return;
    }
    write_pending = true;
    auto self = shared_from_this();
    const auto gen = generation;
    asio::async_write(socket, asio::buffer(writing), [self, gen](std::error_code ec, std::size_t) {
      if (gen != self->generation) return;
      self->write_pending = false;
      if (self->closed) return;
      if (ec) return self->lost(ec);
      self->flush();
      if (!self->write_pending && self->drained && !self->closed) self->drained();
    });
  }

  // What goes out next: the session's output, wrapped by the layer if there is one.
  void collect(buffer& out) {
    out.clear();
    if (!layer) {
      if (s.has_output()) {
        s.take_output(out);
        trace_out(out, "->");
      }
      return;
    }
    if (s.has_output()) {
      s.take_output(plain);
      trace_out(plain, "->");
      layer->to_wire(plain);
    }
    layer->take_wire(out);
  }

  // A layer's goodbye (WebSocket close frame, TLS close_notify), best effort: the socket is
  // about to close whether or not the peer reads it.
  void say_goodbye() {
    if (!layer || !layer->open() || !transport_up) return;
    layer->end();
    buffer tail;
    layer->take_wire(tail);
    std::error_code ignored;
    socket.write_some(asio::buffer(tail), ignored);
  }

  // The attempt is over: close the socket, then reconnect, fall back, or tell the tool.
  void shut() {
    if (closed || !pending_close) return;
    auto c = std::move(*pending_close);
    pending_close.reset();
    say_goodbye();
    closing = false;
    transport_up = false;
    write_pending = false;
    ++generation;
    timer.cancel();
    std::error_code ignored;
    socket.shutdown(stream::socket::shutdown_both, ignored);
    socket.close(ignored);
    if (!user_closing && !ever_connected && version_fallback && refused_v5(c)) {
      version_fallback = false;
      auto config = original;
      config.connect.version = codec::protocol_version::v311;
      config.connect.props = {};
      if (config.connect.will) config.connect.will->props = {};
      s = session::client_session(std::move(config));
      if (notice) notice("the broker refused MQTT 5; trying MQTT 3.1.1");
      return attempt_connect();
    }
    if (!user_closing && ever_connected && policy.enabled && transient(c.error)) return retry(c);
    finish(std::move(c), failure::none);
  }

  static bool refused_v5(const session::event::closed& c) {
    if (c.error == make_error_code(reason_code::unsupported_protocol_version)) return true;
    // Some 3.1.1-only brokers close the connection instead of answering.
    return c.by_server && c.error.category() != reason_category() &&
           c.error.category() != mqtk::error_category();
  }

  void retry(const session::event::closed& c) {
    s.on_connection_lost();
    if (policy.max_attempts != 0 && attempt >= policy.max_attempts) return finish(c, failure::none);
    auto delay = policy.first_delay * (1LL << std::min(attempt, 20u));
    if (delay > policy.max_delay) delay = policy.max_delay;
    const auto half = delay / 2;
    if (!jitter) jitter.emplace(std::random_device{}());
    delay = half + session::duration(std::uniform_int_distribution<session::duration::rep>(
                       0, half.count())(*jitter));
    ++attempt;
    if (notice)
      notice(fmt::format("connection lost: {}; reconnecting in {:.1f} s (attempt {})", describe(c),
                         std::chrono::duration<double>(delay).count(), attempt));
    auto self = shared_from_this();
    retry_timer.expires_after(delay);
    retry_timer.async_wait([self](std::error_code ec) {
      if (!ec && !self->closed && !self->user_closing) self->attempt_connect();
    });
  }

  void finish(session::event::closed c, failure f) {
    if (closed) return;
    closed = true;
    why = f;
    ++generation;
    timer.cancel();
    retry_timer.cancel();
    std::error_code ignored;
    socket.close(ignored);
    on_event(c);
  }

  // Re-arming a timer is a system call; a timer already due no later than the session's next
  // deadline is kept (on_tick() is idempotent and re-arms for what is then next).
  std::optional<session::time_point> armed;
  void arm() {
    if (closed || !transport_up) return;
    const auto deadline = s.next_deadline();
    if (!deadline || (armed && *armed <= *deadline)) return;
    armed = deadline;
    timer.expires_at(*deadline);
    auto self = shared_from_this();
    const auto gen = generation;
    timer.async_wait([self, gen](std::error_code ec) {
      if (ec || gen != self->generation || self->closed) return;
      self->armed.reset();
      self->s.on_tick(clock::now());
      self->after();
    });
  }
};

connection::connection(asio::io_context& io, session::client_config config, endpoint where)
    : impl_(std::make_shared<impl>(io, std::move(config), std::move(where))) {}

connection::~connection() {
  if (impl_) {
    impl_->closed = true;
    std::error_code ignored;
    impl_->socket.close(ignored);
    impl_->timer.cancel();
    impl_->retry_timer.cancel();
  }
}

void connection::start(event_handler on_event) {
  impl_->on_event = std::move(on_event);
  impl_->attempt_connect();
}

result<std::uint16_t> connection::publish(codec::publish message) {
  auto r = impl_->s.publish(std::move(message), clock::now());
  impl_->after();
  return r;
}

result<std::uint16_t> connection::subscribe(std::vector<codec::subscription> topics,
                                            codec::properties props) {
  auto r = impl_->s.subscribe(std::move(topics), std::move(props), clock::now());
  impl_->after();
  return r;
}

result<std::uint16_t> connection::unsubscribe(std::vector<std::string> filters,
                                              codec::properties props) {
  auto r = impl_->s.unsubscribe(std::move(filters), std::move(props), clock::now());
  impl_->after();
  return r;
}

void connection::disconnect(reason_code code, codec::properties props) {
  if (impl_->closed) return;
  impl_->user_closing = true;
  if (!impl_->transport_up)
    return impl_->finish(session::event::closed{make_error_code(code), false, {}, {}},
                         failure::none);
  impl_->s.disconnect(code, std::move(props), clock::now());
  impl_->after();
}

void connection::abort() {
  if (impl_->closed) return;
  impl_->user_closing = true;
  impl_->finish(
      session::event::closed{std::make_error_code(std::errc::connection_aborted), false, {}, {}},
      failure::none);
}

session::client_session& connection::session() noexcept {
  return impl_->s;
}
failure connection::transport_failure() const noexcept {
  return impl_->why;
}
void connection::set_trace(std::function<void(const std::string&)> trace) {
  impl_->trace = std::move(trace);
}
void connection::set_reconnect(reconnect_policy policy,
                               std::function<void(const std::string&)> notice) {
  impl_->policy = policy;
  impl_->notice = std::move(notice);
}
void connection::set_drained_handler(std::function<void()> drained) {
  impl_->drained = std::move(drained);
}
bool connection::backlogged() const noexcept {
  // One write in flight plus up to 64 KiB queued behind it keeps the socket busy with large
  // writes without letting a fast producer queue without bound.
  return impl_->write_pending && impl_->s.output_size() >= 64 * 1024;
}
void connection::set_version_fallback(bool on) {
  impl_->version_fallback = on;
}

} // namespace mqtk::client
