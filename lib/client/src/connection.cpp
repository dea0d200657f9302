// SPDX-License-Identifier: MIT
// The Asio side of a client connection: resolve, connect, read, coalesced writes and timers,
// carrying out what connection_policy decides about reconnecting and the -V auto fallback.
#include "mqtk/client/connection.hpp"

#include <array>
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

std::string describe(const session::event::closed& c) {
  std::string r = c.error.message();
  if (c.reason_string && *c.reason_string != r) r += " (" + *c.reason_string + ")"; // said once
  return r;
}

using read_scratch = std::array<std::uint8_t, 64 * 1024>;

// One read buffer per thread, on the heap: a thread_local array lives in the static TLS block,
// which the loader zero-fills at start-up (20 page faults for 80 KiB, a tenth of a one-shot
// publish's); heap pages are touched only as far as a read fills them.
template <typename Buffer>
Buffer& thread_buffer() {
  thread_local std::unique_ptr<Buffer> buffer;
  if (!buffer) buffer.reset(new Buffer); // default-initialised: not zero-filled
  return *buffer;
}

} // namespace

// Design: connection_policy decides what an attempt leads to (another socket, a wait, the
// fallback, the end); this struct only moves bytes, runs timers and tells the user. The
// generation guards against callbacks of a socket whose attempt is over.
struct connection::impl : std::enable_shared_from_this<impl> {
  using state = connection_policy::state;

  impl(asio::io_context& context, session::client_config config, endpoint e)
      : io(context), where(std::move(e)), s(config), original(std::move(config)),
        policy(s.version(), where.connect_timeout, [] { return std::random_device{}(); }),
        resolver(context), socket(context), timer(context), retry_timer(context),
        linger_timer(context), trace_decoder(s.version()) {}

  asio::io_context& io;
  endpoint where;
  session::client_session s;
  session::client_config original;
  connection_policy policy;
  asio::ip::tcp::resolver resolver;
  stream::socket socket;
  asio::steady_timer timer; // the connect deadline, then the session's deadlines
  asio::steady_timer retry_timer;
  asio::steady_timer linger_timer; // bounds the wait for the peer's end of stream (shut())
  event_handler on_event;
  buffer writing;
  // Each attempt bumps the generation; callbacks of an earlier socket see a stale one and stop.
  std::uint64_t generation = 0;
  bool write_pending = false;
  bool close_at_once = false; // set_close_at_once()
  bool dispatching = false;   // inside after()'s event loop: calls from handlers do not flush
  bool lingering = false;     // between shut() and the socket's close: nothing more goes out
  std::function<void(const std::string&)> trace;
  std::function<void()> drained;
  codec::stream_decoder trace_decoder;
  std::function<void(const std::string&)> notice;
  // TLS and/or WebSocket between the socket and the session; null for plain TCP.
  std::unique_ptr<transport::layer> layer;
  buffer plain; // the layer's plain side: bytes read, or the session's output to wrap

  bool closed() const noexcept { return policy.current() == state::closed; }

  void execute(connection_policy::decision d) {
    if (auto* o = std::get_if<connection_policy::open_socket>(&d)) return open(*o);
    if (auto* r = std::get_if<connection_policy::retry_later>(&d)) return wait(*r);
    if (auto* g = std::get_if<connection_policy::give_up>(&d)) return finish(std::move(g->event));
    // send_disconnect comes only from user_disconnect(), which disconnect() handles.
  }

  void open(const connection_policy::open_socket& o) {
    if (o.fallback) {
      auto config = original;
      config.connect.version = o.version;
      config.connect.props = {};
      if (config.connect.will) config.connect.will->props = {};
      s = session::client_session(std::move(config));
      if (notice) notice("the broker refused MQTT 5; trying MQTT 3.1.1");
    }
    attempt_connect(o.deadline);
  }

  void attempt_connect(session::time_point deadline) {
    drop_socket();
    const auto gen = generation;
    layer.reset();
    socket = stream::socket(io);
    trace_decoder = codec::stream_decoder(s.version());
    auto self = shared_from_this();
    // The deadline covers the TLS and WebSocket handshakes too; the session's own CONNACK
    // deadline replaces it once MQTT flows (arm()).
    timer.expires_at(deadline);
    timer.async_wait([self, gen](std::error_code ec) {
      const auto st = self->policy.current();
      if (!ec && gen == self->generation && (st == state::connecting || st == state::handshaking))
        self->transport_failed(failure::timed_out, std::make_error_code(std::errc::timed_out));
    });
    if (!where.unix_path.empty())
      return connect_to({stream::endpoint(asio::local::stream_protocol::endpoint(where.unix_path))},
                        0);
    // A numeric address needs no resolver (whose thread costs start-up time).
    std::error_code ec;
    const auto address = asio::ip::make_address(where.host, ec);
    if (!ec) return connect_to({stream::endpoint(asio::ip::tcp::endpoint(address, where.port))}, 0);
    // "localhost" is the loopback address without asking the resolver, as RFC 6761 6.3 asks
    // of name APIs (and as curl does): the resolver's configuration files, nscd probe and
    // /etc/hosts cost a one-shot publish an eighth of its time. IPv4 first, the address
    // brokers listen on by default; ::1 when nothing answers there.
    if (where.host == "localhost")
      return connect_to(
          {stream::endpoint(asio::ip::tcp::endpoint(asio::ip::address_v4::loopback(), where.port)),
           stream::endpoint(asio::ip::tcp::endpoint(asio::ip::address_v6::loopback(), where.port))},
          0);
    resolver.async_resolve(
        where.host, std::to_string(where.port),
        [self, gen](std::error_code ec2, asio::ip::tcp::resolver::results_type r) {
          if (gen != self->generation || self->closed()) return;
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
      if (gen != self->generation || self->closed()) return;
      if (ec2) return self->connect_to(std::move(eps), i + 1, ec2);
      self->on_socket_connected();
    });
  }

  void on_socket_connected() {
    policy.socket_connected();
    std::error_code nb;
    socket.non_blocking(true, nb); // read_some after a readiness wait must never block
    if (where.unix_path.empty()) {
      std::error_code ignored;
      socket.set_option(asio::ip::tcp::no_delay(true), ignored);
    }
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
    policy.transport_ready();
    if (trace && layer) trace("transport: " + layer->describe());
    s.start(clock::now());
  }

  // A TLS or WebSocket handshake failed: like a refused TCP connection, the broker was not
  // reached (exit 3), and the layer's words say why.
  void handshake_failed(const std::string& problem) {
    transport_failed(failure::unreachable, std::make_error_code(std::errc::protocol_error),
                     problem);
  }

  // DNS, TCP, the deadline or a handshake failed before MQTT could flow.
  void transport_failed(failure f, std::error_code ec,
                        std::optional<std::string> problem = std::nullopt) {
    execute(policy.transport_failed(
        session::event::closed{ec, false, std::move(problem), std::nullopt}, f, clock::now()));
  }

  // Bytes read: through the layer (if any) to the session.
  void on_read(byte_view bytes) {
    if (!layer) return deliver(bytes);
    const auto gen = generation;
    plain.clear();
    const bool ok = layer->from_wire(bytes, plain);
    if (policy.current() == state::handshaking && layer->open()) start_session();
    if (!plain.empty()) deliver(plain);
    // What was delivered may have ended this attempt (and started the next, without a layer).
    if (gen != generation || closed()) return;
    if (!ok) {
      if (policy.current() == state::handshaking) return handshake_failed(layer->error());
      s.on_connection_lost();
      policy.ending(session::event::closed{std::make_error_code(std::errc::protocol_error), true,
                                           layer->error(), std::nullopt});
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

  // Design: wait for readability, then read into one buffer per thread. An idle connection
  // holds no read buffer, which matters for a bench holding 10,000 of them.
  void read() {
    auto self = shared_from_this();
    const auto gen = generation;
    socket.async_wait(stream::socket::wait_read, [self, gen](std::error_code ec) {
      if (gen != self->generation || self->closed()) return;
      if (ec) return self->lost(ec);
      auto& scratch = thread_buffer<read_scratch>();
      const auto n = self->socket.read_some(asio::buffer(scratch), ec);
      if (ec == asio::error::would_block || ec == asio::error::try_again) return self->read();
      if (ec) return self->lost(ec);
      self->on_read(byte_view(scratch.data(), n));
      if (gen == self->generation && !self->closed() && self->policy.socket_up()) self->read();
    });
  }

  // The socket failed under a live session. The session reports why if it knows (CONNACK
  // refusal, DISCONNECT); otherwise it is a lost connection.
  void lost(std::error_code ec) {
    if (policy.current() == state::handshaking)
      return handshake_failed(fmt::format(
          "the server closed the connection during the {} handshake ({})",
          where.websocket ? (where.tls ? "TLS and WebSocket" : "WebSocket") : "TLS", ec.message()));
    s.on_connection_lost();
    policy.ending(session::event::closed{ec, true, std::nullopt, std::nullopt});
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
  // Design: a handler that publishes or disconnects (a one-shot publish does both on CONNACK)
  // does not flush from inside the handler: this loop takes the events its calls produced and
  // then writes everything at once, so PUBLISH and DISCONNECT leave in one segment, not two.
  void after() {
    if (dispatching) return;
    {
      dispatching = true;
      struct reset {
        bool& flag;
        ~reset() { flag = false; }
      } when_done{dispatching};
      if (!dispatch_events()) return;
    }
    flush();
    arm();
  }

  // Delivers what the session has to say, including what the handlers' calls add; false once
  // the connection is closed.
  bool dispatch_events() {
    for (auto events = s.take_events(); !events.empty(); events = s.take_events())
      for (auto& e : events) {
        // The session's closed event is held back (by the policy) until everything queued
        // before it (the last QoS 0 messages, the DISCONNECT) is written and the socket is
        // closed, so a tool that exits on it loses nothing.
        if (auto* c = std::get_if<session::event::closed>(&e)) {
          policy.ending(std::move(*c));
          continue;
        }
        if (std::holds_alternative<session::event::connected>(e))
          policy.session_connected(clock::now());
        on_event(e);
        if (closed()) return false;
      }
    return true;
  }

  void flush() {
    if (write_pending || closed() || lingering) return;
    const bool up = policy.socket_up();
    if (up) collect(writing);
    if (!up || writing.empty()) {
      if (policy.ending_attempt()) shut();
      return;
    }
    write_pending = true;
    auto self = shared_from_this();
    const auto gen = generation;
    asio::async_write(socket, asio::buffer(writing), [self, gen](std::error_code ec, std::size_t) {
      if (gen != self->generation) return;
      self->write_pending = false;
      if (self->closed()) return;
      if (ec) return self->lost(ec);
      self->flush();
      if (!self->write_pending && self->drained && !self->closed()) self->drained();
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
    if (!layer || !layer->open() || !policy.socket_up()) return;
    layer->end();
    buffer tail;
    layer->take_wire(tail);
    std::error_code ignored;
    socket.write_some(asio::buffer(tail), ignored);
  }

  // Ends this attempt's socket; its callbacks become stale.
  void drop_socket() {
    ++generation;
    write_pending = false;
    lingering = false;
    linger_timer.cancel();
    armed.reset();
    timer.cancel();
    std::error_code ignored;
    socket.shutdown(stream::socket::shutdown_both, ignored);
    socket.close(ignored);
  }

  // The attempt is over and its output flushed: close the socket, then do what the policy says.
  // Design: a socket closed with input still unread resets the connection, and the peer's
  // kernel then discards what the peer had not read yet: our last PUBACK and the DISCONNECT
  // with it (a broker then sends an acknowledged message again, or publishes the will). So the
  // socket is half-closed and read to its end (a broker closes on DISCONNECT) before closing,
  // for at most linger_bound.
  static constexpr auto linger_bound = std::chrono::milliseconds(500);
  void shut() {
    if (!policy.ending_attempt() || lingering) return;
    lingering = true;
    say_goodbye();
    std::error_code unread;
    if (close_at_once && s.unacknowledged() == 0 && socket.available(unread) == 0 && !unread)
      return attempt_over(); // a FIN, and a broker wakeup less to wait for
    ++generation;            // the attempt's read loop and session deadlines are over
    write_pending = false;
    armed.reset();
    std::error_code ignored;
    socket.shutdown(stream::socket::shutdown_send, ignored);
    const auto gen = generation;
    auto self = shared_from_this();
    timer.cancel();
    linger_timer.expires_after(linger_bound);
    linger_timer.async_wait([self, gen](std::error_code ec) {
      if (!ec && gen == self->generation && !self->closed()) self->attempt_over();
    });
    drain_to_end(gen);
  }

  void drain_to_end(std::uint64_t gen) {
    auto self = shared_from_this();
    socket.async_wait(stream::socket::wait_read, [self, gen](std::error_code ec) {
      if (gen != self->generation || self->closed()) return;
      if (!ec) self->socket.read_some(asio::buffer(thread_buffer<read_scratch>()), ec);
      if (!ec || ec == asio::error::would_block || ec == asio::error::try_again)
        return self->drain_to_end(gen);
      self->attempt_over(); // the end of the stream, or an error: either way it is done
    });
  }

  void attempt_over() {
    drop_socket();
    execute(policy.attempt_ended(clock::now()));
  }

  void wait(const connection_policy::retry_later& r) {
    drop_socket();
    s.on_connection_lost();
    if (notice)
      notice(fmt::format("connection lost: {}{}; reconnecting in {:.1f} s (attempt {})",
                         describe(r.cause), short_lived_hint(r),
                         std::chrono::duration<double>(r.delay).count(), r.attempt));
    arm_retry(r.at);
  }

  // MQTT 3.1.1 ends a takeover with a bare close; a broker that closes a connection it just
  // accepted, without a reason, most often does so because another client took the client id.
  std::string short_lived_hint(const connection_policy::retry_later& r) const {
    const auto& id = original.connect.client_id;
    if (!r.lasted || *r.lasted >= policy.reconnect().stable_after || !r.cause.by_server ||
        r.cause.error.category() == reason_category() || id.empty())
      return {};
    return fmt::format(", {:.1f} s after the broker accepted it (is another client using client id "
                       "'{}'?)",
                       std::chrono::duration<double>(*r.lasted).count(), id);
  }

  void arm_retry(session::time_point at) {
    auto self = shared_from_this();
    retry_timer.expires_at(at);
    retry_timer.async_wait([self](std::error_code ec) {
      if (ec) return;
      self->execute(self->policy.timer_fired(clock::now()));
      // A timer that fired early finds the policy still waiting.
      if (self->policy.current() == state::backing_off) self->arm_retry(self->policy.retry_at());
    });
  }

  void finish(session::event::closed c) {
    drop_socket();
    retry_timer.cancel();
    on_event(c);
  }

  // Re-arming a timer is a system call; a timer already due no later than the session's next
  // deadline is kept (on_tick() is idempotent and re-arms for what is then next).
  std::optional<session::time_point> armed;
  void arm() {
    if (!policy.socket_up() || lingering) return;
    const auto deadline = s.next_deadline();
    if (!deadline || (armed && *armed <= *deadline)) return;
    armed = deadline;
    timer.expires_at(*deadline);
    auto self = shared_from_this();
    const auto gen = generation;
    timer.async_wait([self, gen](std::error_code ec) {
      if (ec || gen != self->generation || self->closed()) return;
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
    (void)impl_->policy.user_abort(); // callbacks still queued find the connection closed
    std::error_code ignored;
    impl_->socket.close(ignored);
    impl_->timer.cancel();
    impl_->retry_timer.cancel();
    impl_->linger_timer.cancel();
  }
}

void connection::start(event_handler on_event) {
  impl_->on_event = std::move(on_event);
  impl_->execute(impl_->policy.start(clock::now()));
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
  if (impl_->closed()) return;
  auto d = impl_->policy.user_disconnect(code);
  if (std::holds_alternative<connection_policy::send_disconnect>(d))
    impl_->s.disconnect(code, std::move(props), clock::now());
  else if (!std::holds_alternative<std::monostate>(d))
    return impl_->execute(std::move(d));
  impl_->after();
}

void connection::abort() {
  impl_->execute(impl_->policy.user_abort());
}

session::client_session& connection::session() noexcept {
  return impl_->s;
}
failure connection::transport_failure() const noexcept {
  return impl_->policy.last_failure();
}
void connection::set_trace(std::function<void(const std::string&)> trace) {
  impl_->trace = std::move(trace);
}
void connection::set_reconnect(reconnect_policy policy,
                               std::function<void(const std::string&)> notice) {
  impl_->policy.set_reconnect(policy);
  impl_->notice = std::move(notice);
}
void connection::set_endpoint(endpoint where) {
  impl_->where = std::move(where);
}

void connection::set_drained_handler(std::function<void()> drained) {
  impl_->drained = std::move(drained);
}
bool connection::backlogged() const noexcept {
  // One write in flight plus up to 64 KiB queued behind it keeps the socket busy with large
  // writes without letting a fast producer queue without bound.
  return impl_->write_pending && impl_->s.output_size() >= 64 * 1024;
}
void connection::set_close_at_once(bool on) {
  impl_->close_at_once = on;
}

void connection::set_version_fallback(bool on) {
  impl_->policy.set_version_fallback(on);
}

} // namespace mqtk::client
