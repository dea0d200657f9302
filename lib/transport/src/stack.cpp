// SPDX-License-Identifier: MIT
// Two layers as one: WebSocket over TLS for wss.
#include "mqtk/transport/layer.hpp"

namespace mqtk::transport {
namespace {

class stacked final : public layer {
public:
  stacked(std::unique_ptr<layer> lower, std::unique_ptr<layer> upper)
      : lower_(std::move(lower)), upper_(std::move(upper)) {
    pass_down(); // the upper layer's opening words (an upgrade request) wait in the lower one
  }

  bool from_wire(byte_view in, buffer& up) override {
    mid_.clear();
    const bool lower_ok = lower_->from_wire(in, mid_);
    const bool upper_ok = mid_.empty() || upper_->from_wire(mid_, up);
    pass_down();
    return lower_ok && upper_ok;
  }
  bool to_wire(byte_view data) override {
    const bool ok = upper_->to_wire(data);
    pass_down();
    return ok;
  }
  void take_wire(buffer& out) override { lower_->take_wire(out); }
  bool has_wire() const override { return lower_->has_wire(); }
  bool open() const override { return lower_->open() && upper_->open(); }
  bool ended() const override { return lower_->ended() || upper_->ended(); }
  void end() override {
    upper_->end();
    pass_down();
    lower_->end();
  }
  const std::string& error() const override {
    return lower_->error().empty() ? upper_->error() : lower_->error();
  }
  std::string peer_name() const override { return lower_->peer_name(); }
  std::string describe() const override {
    return upper_->describe() + " over " + lower_->describe();
  }

private:
  void pass_down() {
    if (!upper_->has_wire()) return;
    down_.clear();
    upper_->take_wire(down_);
    lower_->to_wire(down_);
  }

  std::unique_ptr<layer> lower_, upper_;
  buffer mid_, down_;
};

} // namespace

std::unique_ptr<layer> stack(std::unique_ptr<layer> lower, std::unique_ptr<layer> upper) {
  return std::make_unique<stacked>(std::move(lower), std::move(upper));
}

} // namespace mqtk::transport
