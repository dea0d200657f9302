// SPDX-License-Identifier: MIT
// The fan-outs' client lists: found by address, then by content.
#include "client_lists.hpp"

#include <algorithm>
#include <functional>
#include <string_view>
#include <unordered_set>
#include <utility>

namespace mqtk::store::detail {

namespace {

std::size_t hash_of(const std::vector<std::string>& clients) {
  std::size_t h = clients.size();
  for (const auto& c : clients)
    h = h * 1099511628211u ^ std::hash<std::string_view>{}(c);
  return h;
}

bool has_repeats(const std::vector<std::string>& clients) {
  std::unordered_set<std::string_view> seen;
  seen.reserve(clients.size());
  for (const auto& c : clients)
    if (!seen.insert(c).second) return true;
  return false;
}

} // namespace

client_lists::entry client_lists::intern(const client_list& list) {
  for (const auto& [held, id] : recent_)
    if (held == list) return {id, by_id_.at(id).repeats};
  const auto hash = hash_of(*list);
  auto [at, end] = by_hash_.equal_range(hash);
  for (; at != end; ++at)
    if (const auto& k = by_id_.at(at->second); *k.list == *list) break;
  std::int64_t id;
  if (at != end) {
    id = at->second;
  } else {
    id = next_id_++;
    by_id_.emplace(id, known{list, hash, has_repeats(*list)});
    by_hash_.emplace(hash, id);
    fresh_.push_back(id);
  }
  recent_[next_recent_] = {list, id};
  next_recent_ = (next_recent_ + 1) % recent_.size();
  return {id, by_id_.at(id).repeats};
}

client_list client_lists::find(std::int64_t id) const {
  const auto k = by_id_.find(id);
  return k == by_id_.end() ? nullptr : k->second.list;
}

void client_lists::add(std::int64_t id, client_list list) {
  const auto hash = hash_of(*list);
  const bool repeats = has_repeats(*list);
  if (!by_id_.emplace(id, known{std::move(list), hash, repeats}).second) return;
  by_hash_.emplace(hash, id);
  next_id_ = std::max(next_id_, id + 1);
}

std::vector<std::int64_t> client_lists::take_fresh() {
  return std::exchange(fresh_, {});
}

void client_lists::forget(std::int64_t id) {
  const auto k = by_id_.find(id);
  if (k == by_id_.end()) return;
  auto [at, end] = by_hash_.equal_range(k->second.hash);
  for (; at != end; ++at)
    if (at->second == id) {
      by_hash_.erase(at);
      break;
    }
  by_id_.erase(k);
  for (auto& r : recent_)
    if (r.first && r.second == id) r = {};
  std::erase(fresh_, id);
}

std::vector<std::int64_t> client_lists::ids() const {
  std::vector<std::int64_t> out;
  out.reserve(by_id_.size());
  for (const auto& [id, k] : by_id_)
    out.push_back(id);
  return out;
}

std::string json_array(const std::vector<std::string>& clients) {
  std::string out = "[";
  for (const auto& client : clients) {
    out += out.size() > 1 ? ",\"" : "\"";
    for (const char c : client) {
      const auto u = static_cast<unsigned char>(c);
      if (c == '"' || c == '\\') {
        out += '\\';
        out += c;
      } else if (u < 0x20) {
        static constexpr char hex[] = "0123456789abcdef";
        out += "\\u00";
        out += hex[u >> 4];
        out += hex[u & 15];
      } else {
        out += c;
      }
    }
    out += '"';
  }
  return out + "]";
}

} // namespace mqtk::store::detail
