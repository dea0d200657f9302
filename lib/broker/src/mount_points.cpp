// SPDX-License-Identifier: MIT
// mosquitto's mount_point: a listener's clients live under a prefix of the topic tree. Their
// topics and filters get it on the way in and lose it on the way out (transmit()), so they
// neither see nor reach anything outside it.
#include "mqtk/topic/validate.hpp"
#include "state.hpp"

namespace mqtk::broker::detail {

std::string state::mounted_filter(std::string_view mount, const std::string& filter) const {
  if (const auto shared = topic::parse_shared(filter)) // the group stays outside the prefix
    return "$share/" + std::string(shared->group) + "/" + std::string(mount) +
           std::string(shared->filter);
  return std::string(mount) + filter;
}

} // namespace mqtk::broker::detail
