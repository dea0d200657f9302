// SPDX-License-Identifier: MIT
// The WebSocket layer: handshake then frames, both ends, over the pure codec in lib/websocket.
#include <algorithm>
#include <array>

#include "mqtk/transport/tls.hpp"
#include "mqtk/transport/websocket.hpp"
#include "mqtk/websocket/frame.hpp"
#include "mqtk/websocket/handshake.hpp"

namespace mqtk::transport {
namespace {

namespace ws = mqtk::websocket;

std::string_view as_text(byte_view b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

class websocket_layer final : public layer {
public:
  websocket_layer(ws::role r, std::uint64_t max_frame) : role_(r), decoder_(r, max_frame) {}

  // Client: the upgrade request goes out at once; `accept` is what the server must answer.
  void start_client(std::string request, std::string accept) {
    out_.insert(out_.end(), request.begin(), request.end());
    expected_accept_ = std::move(accept);
  }

  bool from_wire(byte_view in, buffer& up) override {
    if (!error_.empty() || decoder_.done()) return error_.empty();
    if (!open_) {
      head_.append(as_text(in));
      const auto n = ws::head_length(head_);
      if (n == 0) {
        if (head_.size() > ws::max_head) return refuse(431, "request head over 8 KiB");
        return true;
      }
      if (!(role_ == ws::role::server ? answer(head_.substr(0, n)) : accepted(head_.substr(0, n))))
        return false;
      const std::string rest = head_.substr(n);
      std::string().swap(head_);
      return frames(as_bytes(rest), up);
    }
    return frames(in, up);
  }

  bool to_wire(byte_view data) override {
    if (!error_.empty()) return false;
    if (!open_) {
      pending_.insert(pending_.end(), data.begin(), data.end());
      return true;
    }
    if (!data.empty()) ws::put_frame(out_, ws::opcode::binary, data, mask());
    return true;
  }

  void take_wire(buffer& out) override {
    if (out.empty())
      out.swap(out_);
    else
      out.insert(out.end(), out_.begin(), out_.end());
    out_.clear();
  }
  bool has_wire() const override { return !out_.empty(); }
  bool open() const override { return open_; }
  bool ended() const override { return ended_; }
  void end() override {
    if (open_ && !close_sent_) {
      ws::put_close(out_, ws::close_code::normal, "", mask());
      close_sent_ = true;
    }
  }
  const std::string& error() const override { return error_; }
  std::string describe() const override { return "WebSocket, subprotocol " + protocol_; }

private:
  // Server: check the request, answer 101 or refuse.
  bool answer(std::string_view head) {
    const auto req = ws::parse_request(head);
    if (req.status != 101) return refuse(req.status, req.why);
    std::string why;
    const auto accept = sha1_base64(ws::accept_source(req.key), why);
    if (accept.empty()) return refuse(500, why);
    const auto response = ws::switching_response(accept, req.protocol);
    out_.insert(out_.end(), response.begin(), response.end());
    protocol_ = req.protocol;
    return opened();
  }

  // Client: check the server's 101.
  bool accepted(std::string_view head) {
    if (auto why = ws::check_response(head, expected_accept_); !why.empty()) {
      error_ = "WebSocket upgrade failed: " + why;
      return false;
    }
    protocol_ = "mqtt";
    return opened();
  }

  bool opened() {
    open_ = true;
    buffer held;
    held.swap(pending_);
    return to_wire(held);
  }

  bool refuse(int status, const std::string& why) {
    if (role_ == ws::role::server) {
      const auto r = ws::error_response(status, why);
      out_.insert(out_.end(), r.begin(), r.end());
    }
    error_ = "WebSocket upgrade refused (HTTP " + std::to_string(status) + "): " + why;
    return false;
  }

  bool frames(byte_view in, buffer& up) {
    ws::feed_result r;
    decoder_.feed(in, up, r);
    for (auto& c : r.controls) {
      if (c.op == ws::opcode::ping) {
        ws::put_frame(out_, ws::opcode::pong, as_bytes(c.payload), mask());
      } else if (c.op == ws::opcode::close) {
        // Answer a close with the same code (RFC 6455 §5.5.1), then the connection ends.
        const auto info = ws::parse_close(c.payload);
        if (!close_sent_)
          ws::put_close(out_,
                        info.code == ws::close_code::no_status ? ws::close_code::normal : info.code,
                        "", mask());
        close_sent_ = true;
        ended_ = true;
      }
    }
    if (r.failed()) {
      if (!close_sent_) ws::put_close(out_, r.fail_code, r.why, mask());
      close_sent_ = true;
      error_ = "WebSocket protocol error (close " + std::to_string(r.fail_code) + "): " + r.why;
      return false;
    }
    return true;
  }

  // Clients mask every frame with a fresh unpredictable key (RFC 6455 §5.3), drawn from a pool
  // of random bytes refilled from OpenSSL.
  const std::array<std::uint8_t, 4>* mask() {
    if (role_ == ws::role::server) return nullptr;
    if (pool_used_ + 4 > pool_.size()) {
      random_bytes(pool_.data(), pool_.size());
      pool_used_ = 0;
    }
    std::copy_n(pool_.begin() + static_cast<std::ptrdiff_t>(pool_used_), 4, key_.begin());
    pool_used_ += 4;
    return &key_;
  }

  ws::role role_;
  ws::decoder decoder_;
  std::string head_;
  std::string expected_accept_;
  std::string protocol_;
  buffer out_;
  buffer pending_;
  std::string error_;
  std::array<std::uint8_t, 4> key_{};
  std::array<std::uint8_t, 256> pool_{};
  std::size_t pool_used_ = 256;
  bool open_ = false;
  bool ended_ = false;
  bool close_sent_ = false;
};

} // namespace

std::unique_ptr<layer> websocket_client(const websocket_client_options& o, std::string& why) {
  std::array<std::uint8_t, 16> nonce{};
  if (!random_bytes(nonce.data(), nonce.size())) {
    sha1_base64("", why); // names the reason the module is missing
    return nullptr;
  }
  const auto key = base64(byte_view(nonce.data(), nonce.size()));
  const auto accept = sha1_base64(ws::accept_source(key), why);
  if (accept.empty()) return nullptr;
  // Clients accept frames of any size: the MQTT decoder bounds packets.
  auto l = std::make_unique<websocket_layer>(ws::role::client, UINT64_MAX >> 1);
  l->start_client(ws::client_request(o.host_header, o.path, key, o.headers), accept);
  return l;
}

std::unique_ptr<layer> websocket_server(std::uint64_t max_frame, std::string& why) {
  // Load the module now, so a missing one is reported when the listener starts.
  if (sha1_base64("", why).empty()) return nullptr;
  return std::make_unique<websocket_layer>(ws::role::server, max_frame);
}

} // namespace mqtk::transport
