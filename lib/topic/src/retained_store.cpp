// SPDX-License-Identifier: MIT
// The retained message tree: set/clear by topic name, find by topic filter.
#include "mqtk/topic/retained_store.hpp"

#include "levels.hpp"

namespace mqtk::topic {

// A leaf (most nodes) has no child map: it is made on the first child.
struct retained_store::node {
  std::unique_ptr<detail::level_map<node>> children;
  message shared;      // kept as published (large, or with properties)
  std::string payload; // compact: the payload alone
  std::optional<time_point> expires_at;
  std::uint64_t id = 0;
  std::uint8_t qos = 0;
  bool held = false; // a retained message is here (compact or shared)

  bool empty_children() const { return !children || children->empty(); }
  std::size_t payload_size() const { return shared ? shared->payload.size() : payload.size(); }
};

namespace {

using node = retained_store::node;

bool is_dollar(std::string_view level) {
  return !level.empty() && level[0] == '$';
}

bool compact(const codec::publish& m) {
  return m.payload.size() <= retained_store::compact_payload && m.props.empty();
}

// `path` is the topic of `n`; children extend it and put it back.
template <class F>
void each_child(const node& n, bool top, std::string& path, F&& f) {
  if (!n.children) return;
  const auto len = path.size();
  for (const auto& [level, child] : *n.children) {
    if (top && is_dollar(level)) continue; // [MQTT-4.7.2-1]
    if (!top) path += '/';
    path += level;
    f(*child);
    path.resize(len);
  }
}

void collect_all(const node& n, std::string& path, std::vector<std::string>& out) {
  if (n.held) out.push_back(path);
  each_child(n, false, path, [&](const node& c) { collect_all(c, path, out); });
}

void find_in(const node& n, const std::vector<std::string_view>& f, std::size_t i,
             std::string& path, std::vector<std::string>& out) {
  if (i == f.size()) {
    if (n.held) out.push_back(path);
    return;
  }
  const bool top = i == 0;
  if (f[i] == "#") {
    // "a/#" also matches "a" itself; at the root there is no message to take.
    if (!top && n.held) out.push_back(path);
    each_child(n, top, path, [&](const node& c) { collect_all(c, path, out); });
  } else if (f[i] == "+") {
    each_child(n, top, path, [&](const node& c) { find_in(c, f, i + 1, path, out); });
  } else if (n.children) {
    const auto it = n.children->find(f[i]);
    if (it == n.children->end()) return;
    const auto len = path.size();
    if (!top) path += '/';
    path += f[i];
    find_in(*it->second, f, i + 1, path, out);
    path.resize(len);
  }
}

} // namespace

retained_store::retained_store() : root_(std::make_unique<node>()) {}
retained_store::~retained_store() = default;
retained_store::retained_store(retained_store&&) noexcept = default;
retained_store& retained_store::operator=(retained_store&&) noexcept = default;

const node* retained_store::locate(std::string_view topic) const {
  std::vector<std::string_view> levels;
  detail::split_levels(topic, levels);
  const node* n = root_.get();
  for (const auto level : levels) {
    if (!n->children) return nullptr;
    const auto it = n->children->find(level);
    if (it == n->children->end()) return nullptr;
    n = it->second.get();
  }
  return n;
}

std::pair<std::size_t, std::size_t> retained_store::after(const codec::publish& msg) const {
  std::size_t size = size_, bytes = bytes_;
  if (const node* n = locate(msg.topic); n && n->held) {
    --size;
    bytes -= msg.topic.size() + n->payload_size();
  }
  if (!msg.payload.empty()) {
    ++size;
    bytes += msg.topic.size() + msg.payload.size();
  }
  return {size, bytes};
}

void retained_store::set(entry e) {
  std::vector<std::string_view> levels;
  detail::split_levels(e.msg->topic, levels);
  const bool clear = e.msg->payload.empty();
  std::vector<node*> path{root_.get()};
  for (const auto level : levels) {
    auto& children = path.back()->children;
    if (!children) {
      if (clear) return; // nothing retained there
      children = std::make_unique<detail::level_map<node>>();
    }
    auto it = children->find(level);
    if (it == children->end()) {
      if (clear) return;
      it = children->emplace(std::string(level), std::make_unique<node>()).first;
    }
    path.push_back(it->second.get());
  }
  node* n = path.back();
  if (n->held) {
    --size_;
    bytes_ -= e.msg->topic.size() + n->payload_size();
  }
  n->shared.reset();
  std::string().swap(n->payload);
  n->held = !clear;
  if (!clear) {
    ++size_;
    bytes_ += e.msg->topic.size() + e.msg->payload.size();
    if (compact(*e.msg))
      n->payload = e.msg->payload;
    else
      n->shared = std::move(e.msg);
    n->qos = n->shared ? n->shared->qos : e.msg->qos;
    n->expires_at = e.expires_at;
    n->id = e.id;
    return;
  }
  for (std::size_t i = levels.size(); i > 0; --i) { // prune the branch that holds nothing now
    if (path[i]->held || !path[i]->empty_children()) break;
    auto& siblings = *path[i - 1]->children;
    if (const auto it = siblings.find(levels[i - 1]); it != siblings.end()) siblings.erase(it);
    if (siblings.empty()) path[i - 1]->children.reset();
  }
}

void retained_store::find_topics(std::string_view filter, std::vector<std::string>& out) const {
  std::vector<std::string_view> levels;
  detail::split_levels(filter, levels);
  std::string path;
  find_in(*root_, levels, 0, path, out);
}

std::optional<retained_store::entry> retained_store::get(std::string_view topic) const {
  const node* n = locate(topic);
  if (!n || !n->held) return std::nullopt;
  message m = n->shared;
  if (!m)
    m = std::make_shared<const codec::publish>(
        codec::publish{std::string(topic), n->payload, 0, n->qos, true, false, {}});
  return entry{std::move(m), n->expires_at, n->id};
}

void retained_store::find(std::string_view filter, std::vector<message>& out) const {
  std::vector<std::string> topics;
  find_topics(filter, topics);
  for (const auto& t : topics)
    out.push_back(get(t)->msg);
}

} // namespace mqtk::topic
