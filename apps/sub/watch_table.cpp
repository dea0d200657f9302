// SPDX-License-Identifier: MIT
// Laying out --watch's table.
#include "sub/watch_table.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace mqtk::app::sub {
namespace {

constexpr std::int64_t window = 5; // seconds the rate is averaged over

std::int64_t seconds_between(watch_table::clock::time_point from,
                             watch_table::clock::time_point to) {
  return std::chrono::duration_cast<std::chrono::seconds>(to - from).count();
}

// The code points of `text` (one cell each, a fair guess for topics and payloads); control
// characters, stray bytes and broken UTF-8 shown as '.' so nothing moves the cursor.
std::vector<std::string> cells_of(const std::string& text, std::size_t at_most) {
  std::vector<std::string> cells;
  for (std::size_t i = 0; i < text.size() && cells.size() < at_most;) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t len = c < 0x80 ? 1 : c >> 5 == 6 ? 2 : c >> 4 == 14 ? 3 : c >> 3 == 30 ? 4 : 0;
    const bool valid =
        len > 0 && i + len <= text.size() &&
        std::all_of(text.begin() + long(i) + 1, text.begin() + long(i + len),
                    [](char b) { return (static_cast<unsigned char>(b) & 0xC0) == 0x80; });
    // C1 controls (U+0080 to U+009F) move the cursor too on some terminals.
    const bool c1 =
        valid && len == 2 && c == 0xC2 && static_cast<unsigned char>(text[i + 1]) < 0xA0;
    if (!valid || c1 || c < 0x20 || c == 0x7F) {
      cells.emplace_back(".");
      i += valid ? len : 1;
    } else {
      cells.emplace_back(text, i, len);
      i += len;
    }
  }
  return cells;
}

// `text` in `cells` columns: cut with an ellipsis when longer, padded when `pad`.
std::string fit(const std::string& text, std::size_t cells, bool pad) {
  const auto got = cells_of(text, cells + 1);
  std::string out;
  const bool cut = got.size() > cells;
  const std::size_t keep = cut ? (cells > 0 ? cells - 1 : 0) : got.size();
  for (std::size_t i = 0; i < keep; ++i)
    out += got[i];
  if (cut && cells > 0) out += "\u2026";
  if (pad && !cut) out.append(cells - got.size(), ' ');
  return out;
}

std::string age(watch_table::clock::duration d) {
  const auto s = std::chrono::duration<double>(d).count();
  if (s < 10) return fmt::format("{:.1f}s", s);
  if (s < 120) return fmt::format("{:.0f}s", s);
  if (s < 7200) return fmt::format("{:.0f}m", s / 60);
  return fmt::format("{:.0f}h", s / 3600);
}

} // namespace

double watch_table::row::rate(clock::time_point now) const {
  const auto current = seconds_between(first, now);
  std::uint64_t sum = 0;
  // Whole seconds before the current one, newest first, no older than the window.
  for (std::int64_t s = current - 1; s >= 0 && s >= current - window; --s)
    if (s <= second && second - s < std::int64_t(per_second.size()))
      sum += per_second[std::size_t(s % std::int64_t(per_second.size()))];
  const auto span = std::min<std::int64_t>(window, current);
  if (span <= 0) return double(count); // younger than a second: what arrived so far
  return double(sum) / double(span);
}

void watch_table::add(const std::string& topic, std::string shown, std::uint8_t qos, bool retained,
                      clock::time_point now) {
  auto [it, fresh] = rows_.try_emplace(topic);
  auto& r = it->second;
  if (fresh) r.first = now;
  const auto s = seconds_between(r.first, now);
  const auto n = std::int64_t(r.per_second.size());
  for (auto k = std::max(r.second + 1, s - n + 1); k <= s; ++k)
    r.per_second[std::size_t(k % n)] = 0; // seconds that passed without messages
  r.second = std::max(r.second, s);
  ++r.per_second[std::size_t(s % n)];
  r.shown = std::move(shown);
  r.qos = qos;
  r.retained = retained;
  r.last = now;
  ++r.count;
  ++messages_;
}

std::vector<std::string> watch_table::render(std::size_t width, std::size_t height,
                                             clock::time_point now) const {
  std::vector<std::string> lines;
  if (height == 0 || width == 0) return lines;
  lines.push_back(fit(fmt::format("{} topics, {} messages   (q quits)", rows_.size(), messages_),
                      width, false));
  if (height == 1) return lines;
  std::size_t longest = 5;
  for (const auto& [topic, r] : rows_)
    longest = std::max(longest, topic.size());
  const std::size_t topic_cells = std::min(longest, std::max<std::size_t>(10, width * 2 / 5));
  // QOS and COUNT always; RATE and AGE only while the payload keeps 16 cells (a narrow terminal
  // gives them up first).
  const std::size_t base = topic_cells + 1 + 4 + 9;
  const bool timing = width >= base + 15 + 16;
  const std::size_t used = base + (timing ? 15 : 0);
  const std::size_t payload_cells = width > used ? width - used : 0;
  const auto line = [&](const std::string& topic, const std::string& qos, const std::string& count,
                        const std::string& rate, const std::string& ago,
                        const std::string& payload) {
    auto text = fmt::format("{} {:<3} {:>8} ", fit(topic, topic_cells, true), qos, count);
    if (timing) text += fmt::format("{:>8} {:>5} ", rate, ago);
    return fit(text + fit(payload, payload_cells, false), width, false);
  };
  lines.push_back(line("TOPIC", "QOS", "COUNT", "RATE/s", "AGE", "PAYLOAD"));
  const std::size_t room = height - 2;
  if (room == 0) return lines; // only the header and the column names fit
  const bool all_fit = rows_.size() <= room;
  const std::size_t shown = all_fit ? rows_.size() : room - 1;
  std::size_t k = 0;
  for (const auto& [topic, r] : rows_) {
    if (k++ == shown) break;
    const auto rate = r.rate(now);
    lines.push_back(line(topic, fmt::format("{}{}", r.qos, r.retained ? "R" : ""),
                         std::to_string(r.count),
                         rate >= 100 ? fmt::format("{:.0f}", rate) : fmt::format("{:.1f}", rate),
                         age(now - r.last), r.shown));
  }
  if (!all_fit) lines.push_back(fmt::format("... {} more", rows_.size() - shown));
  return lines;
}

} // namespace mqtk::app::sub
