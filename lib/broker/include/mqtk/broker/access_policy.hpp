// SPDX-License-Identifier: MIT
// The broker's access-policy seam: who may connect, publish, subscribe and receive. Sans-IO like
// the core; an answer may come later, so slow checks never block the event loop.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "mqtk/codec/packets.hpp"

namespace mqtk::broker {

/// How a policy answers a CONNECT.
enum class verdict : std::uint8_t {
  allow,
  bad_credentials, ///< 3.1.1 return code 4, v5 0x86 Bad User Name or Password
  not_authorized,  ///< 3.1.1 return code 5, v5 0x87 Not Authorized
  pending,         ///< answered later with broker_core::complete_auth(request.id, ...)
  continue_auth,   ///< enhanced authentication goes on: AUTH 0x18 to the client
  bad_method,      ///< v5 0x8C Bad Authentication Method
};

/// One step of MQTT 5 enhanced authentication (section 4.12).
struct auth_answer {
  verdict v = verdict::bad_method;
  std::string data; ///< Authentication Data for the AUTH (continue_auth) or the CONNACK (allow)
  /// The user the exchange proved (allow): the session's user name for the topic checks.
  std::optional<std::string> username;
};

/// Who is connecting, as the CONNECT and the transport say. The views are valid during the call
/// only: a policy that answers `pending` copies what it needs.
struct auth_request {
  std::uint64_t id = 0; ///< the connection; pass it to broker_core::complete_auth()
  std::string_view client_id;
  std::optional<std::string_view> username;
  std::optional<std::string_view> password; ///< binary data, not text
  /// The transport's identity of the peer (a TLS certificate's name with
  /// use_identity_as_username); when set, it is also `username` and `password` is absent.
  std::optional<std::string_view> identity;
  std::uint16_t listener = 0; ///< the index the transport gave broker_core::on_accept()
  codec::protocol_version version = codec::protocol_version::v5;
};

/// A connected client, for the topic checks.
struct client_ref {
  std::string_view client_id;
  std::optional<std::string_view> username; ///< as authenticated
  std::uint16_t listener = 0;
};

/// Decides who may do what. broker_core asks it; it owns no connection state.
///
/// Contract, per call: it runs on the core's thread, inside the core call that caused it
/// (on_bytes for CONNECT, PUBLISH and SUBSCRIBE; on_bytes, on_tick or on_closed for deliveries,
/// since wills and $SYS are delivered too). It must not call back into the core, except that
/// complete_auth() may be called from a later turn of the loop. Only authenticate() may answer
/// later.
/// Thread safety: called from the core's thread only; a policy that works on other threads
/// (a hashing pool) posts its answers back to that thread.
class access_policy {
public:
  virtual ~access_policy() = default;

  /// A CONNECT that passed the format checks, before any session changes. `pending` holds the
  /// connection (nothing more is read from it) until complete_auth(); a connection that closes
  /// meanwhile makes the later answer a no-op.
  virtual verdict authenticate(const auth_request& request) = 0;
  /// A PUBLISH from `who` to `topic`. False: v5 gets PUBACK/PUBREC 0x87; 3.1.1 is acknowledged
  /// and the message dropped (the 3.1.1 acks carry no code; mosquitto does the same).
  virtual bool may_publish(const client_ref& who, std::string_view topic, std::uint8_t qos,
                           bool retain) = 0;
  /// One filter of a SUBSCRIBE. False: SUBACK 0x87 (v5) / 0x80 (3.1.1) for that filter.
  virtual bool may_subscribe(const client_ref& who, std::string_view filter, std::uint8_t qos) = 0;
  /// Each delivery of a message on `topic` to `who` (mosquitto's read access). False: not sent.
  virtual bool may_receive(const client_ref& who, std::string_view topic) = 0;
  /// False when every topic check answers true: the core then skips them on the hot path.
  virtual bool checks_topics() const noexcept { return true; }
  /// MQTT 5 enhanced authentication: a CONNECT carrying Authentication Method `method` (`first`
  /// true), then each AUTH 0x18 the client sends while the answer is continue_auth. `data` is
  /// the packet's Authentication Data. A policy that keeps state between steps drops it when
  /// it gives a final answer, or when forget() says the connection is gone. By default no
  /// method is known (0x8C).
  virtual auth_answer exchange(const auth_request& r, std::string_view method,
                               std::string_view data, bool first) {
    (void)r, (void)method, (void)data, (void)first;
    return {};
  }
  /// The connection `id` closed during an exchange.
  virtual void forget(std::uint64_t id) { (void)id; }
};

/// The policy of a broker with no password or ACL file: allow_anonymous decides whether a
/// CONNECT without a user name is accepted, and every topic is open.
class open_policy final : public access_policy {
public:
  explicit open_policy(bool allow_anonymous) : allow_anonymous_(allow_anonymous) {}
  verdict authenticate(const auth_request& r) override {
    return allow_anonymous_ || r.username ? verdict::allow : verdict::not_authorized;
  }
  bool may_publish(const client_ref&, std::string_view, std::uint8_t, bool) override {
    return true;
  }
  bool may_subscribe(const client_ref&, std::string_view, std::uint8_t) override { return true; }
  bool may_receive(const client_ref&, std::string_view) override { return true; }
  bool checks_topics() const noexcept override { return false; }

private:
  bool allow_anonymous_;
};

} // namespace mqtk::broker
