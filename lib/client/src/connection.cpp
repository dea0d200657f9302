// SPDX-License-Identifier: MIT
// The Asio side of a client connection: resolve, connect, read, coalesced writes, timers.
#include "mqtk/client/connection.hpp"

#include <asio.hpp>

#include "mqtk/codec/decoder.hpp"
#include "mqtk/codec/format.hpp"

namespace mqtk::client {

using session::clock;

struct connection::impl : std::enable_shared_from_this<impl> {
  impl(asio::io_context& context, session::client_config config, endpoint e)
      : io(context), where(std::move(e)), s(std::move(config)), resolver(context), socket(context),
        timer(context), trace_decoder(s.version()) {}

  asio::io_context& io;
  endpoint where;
  session::client_session s;
  asio::ip::tcp::resolver resolver;
  asio::ip::tcp::socket socket;
  asio::steady_timer timer;
  event_handler on_event;
  std::array<std::uint8_t, 64 * 1024> scratch{};
  buffer writing;
  bool write_pending = false;
  bool connected = false;
  bool closing = false;
  bool closed = false;
  // Design: the session's closed event is held back until everything queued before it (the last
  // QoS 0 messages, the DISCONNECT) is written and the socket is closed, so a tool that exits on
  // it loses nothing.
  std::optional<session::event::closed> pending_close;
  failure why = failure::none;
  std::function<void(const std::string&)> trace;
  codec::stream_decoder trace_decoder;

  void fail(failure f, std::error_code ec) {
    if (closed) return;
    why = f;
    closed = true;
    std::error_code ignored;
    socket.close(ignored);
    timer.cancel();
    on_event(session::event::closed{ec, false, std::nullopt, std::nullopt});
  }

  void start() {
    auto self = shared_from_this();
    timer.expires_after(where.connect_timeout);
    timer.async_wait([self](std::error_code ec) {
      if (!ec && !self->connected)
        self->fail(failure::timed_out, std::make_error_code(std::errc::timed_out));
    });
    resolver.async_resolve(where.host, std::to_string(where.port),
                           [self](std::error_code ec, asio::ip::tcp::resolver::results_type r) {
                             if (self->closed) return;
                             if (ec) return self->fail(failure::unreachable, ec);
                             asio::async_connect(self->socket, r,
                                                 [self](std::error_code ec2, const auto&) {
                                                   if (self->closed) return;
                                                   if (ec2)
                                                     return self->fail(failure::unreachable, ec2);
                                                   self->on_connected();
                                                 });
                           });
  }

  void on_connected() {
    connected = true;
    socket.set_option(asio::ip::tcp::no_delay(true));
    s.start(clock::now());
    after();
    read();
  }

  void read() {
    auto self = shared_from_this();
    socket.async_read_some(asio::buffer(scratch), [self](std::error_code ec, std::size_t n) {
      if (self->closed) return;
      if (ec) {
        // The broker closed the connection: the session reports why if it knows (CONNACK
        // refusal, DISCONNECT), otherwise it is a lost connection.
        self->s.on_connection_lost();
        if (!self->closing)
          self->pending_close = session::event::closed{ec, true, std::nullopt, std::nullopt};
        self->closing = true;
        self->shut();
        return;
      }
      if (self->trace) self->trace_in(byte_view(self->scratch.data(), n));
      self->s.on_bytes(byte_view(self->scratch.data(), n), clock::now());
      self->after();
      if (!self->closed) self->read();
    });
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
      on_event(e);
    }
    flush();
    arm();
  }

  void flush() {
    if (write_pending || closed || !s.has_output()) {
      if (closing && !write_pending && !s.has_output()) shut();
      return;
    }
    s.take_output(writing);
    trace_out(writing, "->");
    write_pending = true;
    auto self = shared_from_this();
    asio::async_write(socket, asio::buffer(writing), [self](std::error_code ec, std::size_t) {
      self->write_pending = false;
      if (self->closed) return;
      if (ec) return self->fail(failure::none, ec);
      self->flush();
    });
  }

  void shut() {
    if (closed) return;
    closed = true;
    timer.cancel();
    std::error_code ignored;
    socket.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
    if (pending_close) {
      auto c = std::move(*pending_close);
      pending_close.reset();
      on_event(c);
    }
  }

  // Re-arming a timer is a system call; a timer already due no later than the session's next
  // deadline is kept (on_tick() is idempotent and re-arms for what is then next).
  std::optional<session::time_point> armed;
  void arm() {
    if (closed || !connected) return;
    const auto deadline = s.next_deadline();
    if (!deadline || (armed && *armed <= *deadline)) return;
    armed = deadline;
    timer.expires_at(*deadline);
    auto self = shared_from_this();
    timer.async_wait([self](std::error_code ec) {
      if (ec || self->closed) return;
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
  }
}

void connection::start(event_handler on_event) {
  impl_->on_event = std::move(on_event);
  impl_->start();
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
  if (!impl_->connected) return impl_->fail(failure::none, make_error_code(code));
  impl_->s.disconnect(code, std::move(props), clock::now());
  impl_->after();
}

void connection::abort() {
  impl_->shut();
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

} // namespace mqtk::client
