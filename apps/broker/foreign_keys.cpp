// SPDX-License-Identifier: MIT
// mosquitto 2.0's keys that mqtk-broker does not honour, and what it says about each: the table
// behind the parser's warnings and refusals, and behind mqtk-broker.conf(5)'s MOSQUITTO KEYS.
#include <fmt/format.h>

#include "broker/config_file.hpp"

namespace mqtk::app::broker {

namespace {

// mosquitto 2.0's keys that mqtk-broker does not honour: accepted with a warning saying what it
// does instead, or refused with what to do.
const foreign_key foreign[] = {
    {"allow_duplicate_messages", true,
     "deprecated in mosquitto 2.0; mqtk-broker sends one copy "
     "per matching subscription of a client"},
    {"persistent_client_expiration", true,
     "3.1.1 persistent sessions do not expire in "
     "mqtk-broker; MQTT 5 clients set their own expiry"},
    {"memory_limit", true, "memory is bounded per client (max_queued_messages, 64 MiB)"},
    {"upgrade_outgoing_qos", true,
     "messages are delivered at the lower of the two QoS, as MQTT "
     "asks"},
    {"check_retain_source", true,
     "retained messages are not re-checked against their "
     "publisher's rights"},
    {"max_qos", true, "every QoS is accepted"},
    {"max_topic_alias", true, "MQTT 5 clients may use up to 64 topic aliases"},
    {"auto_id_prefix", true, "assigned client ids start with mqtk-"},
    {"allow_zero_length_clientid", true,
     "an empty client id gets an assigned one (MQTT 5, and "
     "3.1.1 with clean session)"},
    {"websockets_log_level", true, "WebSocket events are logged with -v"},
    {"queue_qos0_messages", true,
     "QoS 0 messages for an offline client are not queued: they are dropped and counted "
     "(dropped/offline); use QoS 1 for what must wait"},
    {"websockets_headers_size", true, "WebSocket handshakes may be up to 8 KiB"},
    {"use_username_as_clientid", false, "not supported: give each client its own id"},
    {"use_subject_as_username", false, "use use_identity_as_username (the certificate's CN)"},
    {"auth_plugin", false, "plugins are not supported: use password_file and acl_file"},
    {"plugin", false, "plugins are not supported: use password_file and acl_file"},
    {"auth_plugin_deny_special_chars", false, "plugins are not supported"},
    {"psk_file", false, "TLS-PSK is not supported: use certificates (certfile, keyfile)"},
    {"psk_hint", false, "TLS-PSK is not supported: use certificates (certfile, keyfile)"},
    {"bind_interface", false, "give the interface's address to listener instead"},
    {"http_dir", false, "mqtk-broker serves no HTTP files: use a web server beside it"},
    {"crlfile", false,
     "certificate revocation lists are not supported yet: remove revoked "
     "clients' CA from cafile"},
    {"dhparamfile", false, "not needed: mqtk-broker uses ECDHE key exchange only"},
    {"tls_engine", false, "OpenSSL engines are not supported: use a key file"},
    {"tls_keyform", false, "OpenSSL engines are not supported: use a PEM key file"},
    {"tls_engine_kpass_sha1", false, "OpenSSL engines are not supported: use a PEM key file"},
    {"clientid_prefixes", false, "use acl_file patterns to confine clients instead"},
};

} // namespace

std::span<const foreign_key> foreign_keys() noexcept {
  return foreign;
}

// An unknown key, or one of mosquitto's refused ones, in words that help.
std::string unknown_key(const std::string& key) {
  for (const auto& k : foreign)
    if (!k.accepted && key == k.key) return fmt::format("'{}': {}", key, k.what);
  if (key.starts_with("auth_opt_") || key.starts_with("plugin_opt_"))
    return fmt::format("'{}': a plugin's option; plugins are not supported: use password_file "
                       "and acl_file",
                       key);
  return fmt::format("unknown key '{}'", key);
}

// Keys accepted with a warning: the warning is the value's treatment.
bool accepted_foreign(const std::string& key, file_settings& f) {
  for (const auto& k : foreign)
    if (k.accepted && key == k.key) {
      f.warnings.push_back(fmt::format("{} is not needed: {}", key, k.what));
      return true;
    }
  return false;
}

} // namespace mqtk::app::broker
