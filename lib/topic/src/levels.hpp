// SPDX-License-Identifier: MIT
// Internal: splitting topics into levels, and a map keyed by level that looks up by string_view.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace mqtk::topic::detail {

struct level_hash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept {
    return std::hash<std::string_view>{}(s);
  }
};

template <class Node>
using level_map =
    std::unordered_map<std::string, std::unique_ptr<Node>, level_hash, std::equal_to<>>;

/// Replaces `out` with the levels of `topic` ("a//b" gives "a", "", "b").
inline void split_levels(std::string_view topic, std::vector<std::string_view>& out) {
  out.clear();
  std::size_t start = 0;
  for (;;) {
    const auto end = topic.find('/', start);
    if (end == std::string_view::npos) {
      out.push_back(topic.substr(start));
      return;
    }
    out.push_back(topic.substr(start, end - start));
    start = end + 1;
  }
}

} // namespace mqtk::topic::detail
