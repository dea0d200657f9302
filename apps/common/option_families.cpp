// SPDX-License-Identifier: MIT
#include "common/option_families.hpp"

#include <algorithm>
#include <iterator>
#include <string>
#include <string_view>
#include <utility>

namespace mqtk::app {
namespace {

// CLI::App keeps its options in a protected member; a pointer to it, formed in a derived
// class, reads it on any App without pretending the App is of that class.
struct options_of : CLI::App {
  static std::vector<CLI::Option_p>& in(CLI::App& app) { return app.*(&options_of::options_); }
};

// The innermost live option_families (one per parse; a stack for an options file's own app).
thread_local option_families* current = nullptr;

void check_unique(const std::vector<CLI::Option_p>& options) {
  // A short name sorts before every long one by its dash count; views, no copies.
  std::vector<std::pair<std::size_t, std::string_view>> names;
  for (const auto& o : options) {
    for (const auto& s : o->get_snames())
      names.emplace_back(1u, s);
    for (const auto& l : o->get_lnames())
      names.emplace_back(2u, l);
  }
  std::sort(names.begin(), names.end());
  const auto twice = std::adjacent_find(names.begin(), names.end());
  if (twice != names.end())
    throw CLI::OptionAlreadyAdded("added option matched existing option name: " +
                                  std::string(twice->first, '-') + std::string(twice->second));
}

} // namespace

option_families::option_families(CLI::App& app) : app_(app), outer_(current) {
  current = this;
}

option_families::~option_families() {
  current = outer_;
  if (!gathered_) put_back();
}

// The app's options so far follow those set aside; the app is left with none.
void option_families::set_aside() {
  auto& options = options_of::in(app_);
  aside_.insert(aside_.end(), std::make_move_iterator(options.begin()),
                std::make_move_iterator(options.end()));
  options.clear();
}

void option_families::put_back() {
  set_aside();
  options_of::in(app_) = std::move(aside_);
  aside_.clear();
}

void option_families::gather() {
  put_back();
  gathered_ = true;
  check_unique(options_of::in(app_));
}

void new_option_family(CLI::App& app) {
  for (auto* f = current; f != nullptr; f = f->outer_)
    if (&f->app_ == &app && !f->gathered_) return f->set_aside();
}

} // namespace mqtk::app
