// SPDX-License-Identifier: MIT
// MQTT 5 properties from the command line: mosquitto's `-D COMMAND NAME VALUE` and the long
// options (--user-property, --content-type, ...) share one table of names, types and packets.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "mqtk/codec/properties.hpp"

namespace mqtk::app {

/// The property sets a client tool can send, one per packet type -D can name.
struct property_sets {
  codec::properties connect, will, publish, subscribe, unsubscribe, disconnect;
};

/// Applies one `-D COMMAND NAME VALUE [VALUE2]` (VALUE2 only for user-property). Returns an
/// empty string, or what is wrong (unknown command or property, a property that packet cannot
/// carry, a value out of range).
std::string apply_property(property_sets& sets, const std::vector<std::string>& args);

/// Sets property `name` (mosquitto's spelling, e.g. "message-expiry-interval") on `p` as the
/// packet `command` carries it. For user-property, `value` is KEY and `value2` VALUE.
std::string set_property(codec::properties& p, std::string_view command, std::string_view name,
                         const std::string& value, const std::string* value2);

/// Splits "KEY=VALUE" for --user-property; false when there is no '='.
bool split_user_property(const std::string& kv, std::string& key, std::string& value);

} // namespace mqtk::app
