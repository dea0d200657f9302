// SPDX-License-Identifier: MIT
// Integration-test helpers: run the real mqtk-broker on a free loopback port, and a raw TCP client
// with timeouts for byte-level exchanges.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

#include "mqtk/core/bytes.hpp"

namespace mqtk::testing {

/// Starts `binary -p 0 --port-file ... args...`, waits for its port; stops it (SIGTERM, by PID)
/// when destroyed.
class broker_process {
public:
  explicit broker_process(const std::string& binary, std::vector<std::string> args = {});
  ~broker_process();
  broker_process(const broker_process&) = delete;
  broker_process& operator=(const broker_process&) = delete;
  std::uint16_t port() const { return port_; }
  /// Stops the broker; returns its exit status.
  int stop();

private:
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
  std::string dir_;
};

/// A blocking TCP client on 127.0.0.1 whose reads wait at most a given time.
class raw_client {
public:
  explicit raw_client(std::uint16_t port);
  ~raw_client();
  raw_client(const raw_client&) = delete;
  raw_client& operator=(const raw_client&) = delete;
  bool connected() const { return fd_ >= 0; }
  bool send(byte_view bytes);
  /// Reads until `n` bytes arrived or `timeout` passed; returns what arrived.
  buffer read_exactly(std::size_t n, std::chrono::milliseconds timeout);
  /// Reads one whole MQTT packet (fixed header, then as many bytes as it announces).
  buffer read_packet(std::chrono::milliseconds timeout);
  /// Whether the peer closed within `timeout` (bytes that arrive first are put in `extra`).
  bool closed_within(std::chrono::milliseconds timeout, buffer& extra);
  void close();

private:
  int fd_ = -1;
};

} // namespace mqtk::testing
