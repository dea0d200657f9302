// SPDX-License-Identifier: MIT
// The subscription trie: insert, erase with pruning, and matching a topic name.
#include "mqtk/topic/subscription_trie.hpp"

#include <algorithm>

#include "levels.hpp"
#include "mqtk/topic/validate.hpp"

namespace mqtk::topic {

struct subscription_trie::node {
  detail::level_map<node> children;
  std::unique_ptr<node> plus; // '+'
  std::unique_ptr<node> hash; // '#'
  std::vector<subscriber> subs;
  std::vector<shared_group> groups;

  bool empty() const noexcept {
    return children.empty() && !plus && !hash && subs.empty() && groups.empty();
  }
  std::unique_ptr<node>& child(std::string_view level) {
    if (level == "+") return plus;
    if (level == "#") return hash;
    auto it = children.find(level);
    if (it == children.end()) it = children.emplace(std::string(level), nullptr).first;
    return it->second;
  }
  node* find(std::string_view level) const {
    if (level == "+") return plus.get();
    if (level == "#") return hash.get();
    const auto it = children.find(level);
    return it == children.end() ? nullptr : it->second.get();
  }
  void drop(std::string_view level) {
    if (level == "+")
      plus.reset();
    else if (level == "#")
      hash.reset();
    else
      children.erase(children.find(level));
  }
};

namespace {

// Replaces the entry of sub.client or appends one; true when appended.
bool upsert(std::vector<subscriber>& list, const subscriber& sub) {
  const auto it = std::find_if(list.begin(), list.end(),
                               [&](const subscriber& s) { return s.client == sub.client; });
  if (it != list.end()) {
    *it = sub;
    return false;
  }
  list.push_back(sub);
  return true;
}

bool remove(std::vector<subscriber>& list, std::uint64_t client) {
  const auto it = std::find_if(list.begin(), list.end(),
                               [&](const subscriber& s) { return s.client == client; });
  if (it == list.end()) return false;
  list.erase(it);
  return true;
}

void collect(subscription_trie::node& n, match_result& out) {
  for (const auto& s : n.subs)
    out.direct.push_back(&s);
  for (auto& g : n.groups)
    out.groups.push_back(&g);
}

// Walks the levels of a topic name from `i`; `dollar` blocks wildcards at the first level.
void walk(subscription_trie::node& n, const std::vector<std::string_view>& levels, std::size_t i,
          bool dollar, match_result& out) {
  const bool wild_ok = !(i == 0 && dollar); // [MQTT-4.7.2-1]
  if (n.hash && wild_ok) collect(*n.hash, out);
  if (i == levels.size()) {
    collect(n, out);
    return;
  }
  if (n.plus && wild_ok) walk(*n.plus, levels, i + 1, dollar, out);
  if (auto* c = n.find(levels[i]); c != nullptr && levels[i] != "+" && levels[i] != "#")
    walk(*c, levels, i + 1, dollar, out);
}

} // namespace

subscription_trie::subscription_trie() : root_(std::make_unique<node>()) {}
subscription_trie::~subscription_trie() = default;
subscription_trie::subscription_trie(subscription_trie&&) noexcept = default;
subscription_trie& subscription_trie::operator=(subscription_trie&&) noexcept = default;

bool subscription_trie::insert(std::string_view filter, const subscriber& sub) {
  std::string_view group;
  if (const auto shared = parse_shared(filter)) {
    group = shared->group;
    filter = shared->filter;
  }
  std::vector<std::string_view> levels;
  detail::split_levels(filter, levels);
  node* n = root_.get();
  for (const auto level : levels) {
    auto& c = n->child(level);
    if (!c) c = std::make_unique<node>();
    n = c.get();
  }
  bool added;
  if (group.empty()) {
    added = upsert(n->subs, sub);
  } else {
    auto it = std::find_if(n->groups.begin(), n->groups.end(),
                           [&](const shared_group& g) { return g.name == group; });
    if (it == n->groups.end()) it = n->groups.insert(n->groups.end(), {std::string(group), {}, 0});
    added = upsert(it->members, sub);
  }
  if (added) ++size_;
  return added;
}

bool subscription_trie::erase(std::string_view filter, std::uint64_t client) {
  std::string_view group;
  if (const auto shared = parse_shared(filter)) {
    group = shared->group;
    filter = shared->filter;
  }
  std::vector<std::string_view> levels;
  detail::split_levels(filter, levels);
  std::vector<node*> path{root_.get()};
  for (const auto level : levels) {
    node* c = path.back()->find(level);
    if (c == nullptr) return false;
    path.push_back(c);
  }
  node* n = path.back();
  bool removed;
  if (group.empty()) {
    removed = remove(n->subs, client);
  } else {
    const auto it = std::find_if(n->groups.begin(), n->groups.end(),
                                 [&](const shared_group& g) { return g.name == group; });
    removed = it != n->groups.end() && remove(it->members, client);
    if (removed && it->members.empty()) n->groups.erase(it);
  }
  if (!removed) return false;
  --size_;
  // Prune the nodes this left empty, deepest first.
  for (std::size_t i = levels.size(); i > 0 && path[i]->empty(); --i)
    path[i - 1]->drop(levels[i - 1]);
  return true;
}

void subscription_trie::match(std::string_view name, match_result& out) {
  std::vector<std::string_view> levels;
  detail::split_levels(name, levels);
  walk(*root_, levels, 0, !name.empty() && name[0] == '$', out);
}

} // namespace mqtk::topic
