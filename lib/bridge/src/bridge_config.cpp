// SPDX-License-Identifier: MIT
// The defaults of a bridge block that depend on its other keys, and its checks as a whole.
#include "mqtk/bridge/bridge_config.hpp"

namespace mqtk::bridge {

void bridge_config::complete(const std::string& hostname) {
  if (remote_clientid.empty()) remote_clientid = hostname + "." + name; // mosquitto's default
  if (local_clientid.empty()) local_clientid = "local." + remote_clientid;
  if (notification_topic.empty())
    notification_topic = "$SYS/broker/connection/" + remote_clientid + "/state";
}

std::string bridge_config::problem() const {
  if (addresses.empty()) return "bridge " + name + " has no address";
  if (topics.empty()) return "bridge " + name + " has no topic: nothing would cross it";
  if (remote_password && !remote_username)
    return "bridge " + name + ": remote_password needs remote_username";
  return {};
}

} // namespace mqtk::bridge
