// SPDX-License-Identifier: MIT
// A subscription trie: one node per topic level, with '+' and '#' children and shared groups.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "mqtk/codec/packets.hpp"

namespace mqtk::topic {

/// One client's subscription to one filter.
struct subscriber {
  std::uint64_t client = 0; ///< the broker's session key
  codec::subscribe_options options;
  std::uint32_t subscription_id = 0; ///< 0: none
  bool operator==(const subscriber&) const = default;
};

/// The members of one `$share/{group}/{filter}` subscription. `next` is a round-robin cursor
/// that the broker may advance to spread messages across members.
struct shared_group {
  std::string name;
  std::vector<subscriber> members;
  std::size_t next = 0;
};

/// What a topic matched: plain subscriptions one by one, shared groups as units (one member of
/// each receives the message). Reused between calls to avoid allocation.
struct match_result {
  std::vector<const subscriber*> direct;
  std::vector<shared_group*> groups;
  void clear() noexcept {
    direct.clear();
    groups.clear();
  }
};

/// Maps Topic Filters to subscribers. Leading wildcards never match '$' topics [MQTT-4.7.2-1].
/// Thread safety: none; the broker owns it on one thread.
class subscription_trie {
public:
  subscription_trie();
  ~subscription_trie();
  subscription_trie(subscription_trie&&) noexcept;
  subscription_trie& operator=(subscription_trie&&) noexcept;

  /// Adds or replaces `sub.client`'s subscription to `filter` (a valid filter, maybe shared).
  /// Returns true when it is new, false when it replaced one [MQTT-3.8.4-3].
  bool insert(std::string_view filter, const subscriber& sub);
  /// Removes `client`'s subscription to `filter`; false when there was none.
  bool erase(std::string_view filter, std::uint64_t client);
  /// Appends every subscription matching the Topic Name `name` to `out` (not cleared first).
  void match(std::string_view name, match_result& out);
  /// Number of subscriptions held (each shared member counts once).
  std::size_t size() const noexcept { return size_; }

  struct node;

private:
  std::unique_ptr<node> root_;
  std::size_t size_ = 0;
};

} // namespace mqtk::topic
