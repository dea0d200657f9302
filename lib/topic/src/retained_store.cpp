// SPDX-License-Identifier: MIT
// The retained message tree: set/clear by topic name, find by topic filter.
#include "mqtk/topic/retained_store.hpp"

#include "levels.hpp"

namespace mqtk::topic {

struct retained_store::node {
  detail::level_map<node> children;
  entry e;
};

namespace {

using node = retained_store::node;
using entry = retained_store::entry;

void take(const node& n, std::vector<entry>& out) {
  out.push_back(n.e);
}
void take(const node& n, std::vector<retained_store::message>& out) {
  out.push_back(n.e.msg);
}

bool is_dollar(std::string_view level) {
  return !level.empty() && level[0] == '$';
}

// Everything at and below `n`; at the top level '$' topics are skipped [MQTT-4.7.2-1].
template <class Out>
void collect_all(const node& n, bool top, Out& out) {
  if (n.e.msg) take(n, out);
  for (const auto& [level, child] : n.children)
    if (!(top && is_dollar(level))) collect_all(*child, false, out);
}

template <class Out>
void find_in(const node& n, const std::vector<std::string_view>& f, std::size_t i, Out& out) {
  if (i == f.size()) {
    if (n.e.msg) take(n, out);
    return;
  }
  const bool top = i == 0;
  if (f[i] == "#") {
    // "a/#" also matches "a" itself; at the root there is no message to take.
    if (!top && n.e.msg) take(n, out);
    for (const auto& [level, child] : n.children)
      if (!(top && is_dollar(level))) collect_all(*child, false, out);
  } else if (f[i] == "+") {
    for (const auto& [level, child] : n.children)
      if (!(top && is_dollar(level))) find_in(*child, f, i + 1, out);
  } else if (const auto it = n.children.find(f[i]); it != n.children.end()) {
    find_in(*it->second, f, i + 1, out);
  }
}

} // namespace

retained_store::retained_store() : root_(std::make_unique<node>()) {}
retained_store::~retained_store() = default;
retained_store::retained_store(retained_store&&) noexcept = default;
retained_store& retained_store::operator=(retained_store&&) noexcept = default;

void retained_store::set(entry e) {
  std::vector<std::string_view> levels;
  detail::split_levels(e.msg->topic, levels);
  const bool clear = e.msg->payload.empty();
  std::vector<node*> path{root_.get()};
  for (const auto level : levels) {
    auto& children = path.back()->children;
    auto it = children.find(level);
    if (it == children.end()) {
      if (clear) return; // nothing retained there
      it = children.emplace(std::string(level), std::make_unique<node>()).first;
    }
    path.push_back(it->second.get());
  }
  node* n = path.back();
  if (!clear) {
    if (!n->e.msg) ++size_;
    n->e = std::move(e);
    return;
  }
  if (!n->e.msg) return;
  n->e = {};
  --size_;
  for (std::size_t i = levels.size(); i > 0; --i) {
    node* c = path[i];
    if (c->e.msg || !c->children.empty()) break;
    auto& siblings = path[i - 1]->children;
    if (const auto it = siblings.find(levels[i - 1]); it != siblings.end()) siblings.erase(it);
  }
}

void retained_store::find(std::string_view filter, std::vector<message>& out) const {
  std::vector<std::string_view> levels;
  detail::split_levels(filter, levels);
  find_in(*root_, levels, 0, out);
}

void retained_store::find(std::string_view filter, std::vector<entry>& out) const {
  std::vector<std::string_view> levels;
  detail::split_levels(filter, levels);
  find_in(*root_, levels, 0, out);
}

} // namespace mqtk::topic
