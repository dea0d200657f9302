// SPDX-License-Identifier: MIT
#include "common/option_families.hpp"

#include <algorithm>
#include <iterator>
#include <stdexcept>
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

// A lazy family must define what its list says: the list is what the command line is
// matched against. Checked whenever the family is defined (every --help and man page does).
void check_listed(const std::vector<CLI::Option_p>& options, std::vector<std::string> listed) {
  std::vector<std::string> defined;
  for (const auto& o : options) {
    for (const auto& s : o->get_snames())
      defined.push_back("-" + s);
    defined.insert(defined.end(), o->get_lnames().begin(), o->get_lnames().end());
  }
  std::sort(defined.begin(), defined.end());
  std::sort(listed.begin(), listed.end());
  if (defined != listed)
    throw std::logic_error("lazy option family: its name list and its options differ");
}

} // namespace

option_families::option_families(CLI::App& app) : app_(app), outer_(current) {
  current = this;
}

option_families::~option_families() {
  current = outer_;
  if (!gathered_) put_back();
}

option_families* option_families::for_app(const CLI::App& app) {
  for (auto* f = current; f != nullptr; f = f->outer_)
    if (&f->app_ == &app && !f->gathered_) return f;
  return nullptr;
}

// The options defined since the last family began become a family of their own.
void option_families::set_aside() {
  auto& options = options_of::in(app_);
  if (options.empty()) return;
  families_.push_back({std::move(options), {}, {}});
  options.clear();
}

// By index: the family vector may grow while `define` runs (a family inside a lazy one).
void option_families::define_family(std::size_t i) {
  if (!families_[i].define) return;
  auto define = std::move(families_[i].define);
  families_[i].define = nullptr;
  defining_ = true; // a lazy family inside it is part of it
  define();         // the app's options were set aside: it holds only this family's now
  defining_ = false;
  auto& options = options_of::in(app_);
  families_[i].options = std::move(options);
  options.clear();
  check_listed(families_[i].options, families_[i].lazy_names);
}

const CLI::Option* option_families::defined(std::string_view name, bool is_long) const {
  const auto has = [name](const std::vector<std::string>& names) {
    return std::find(names.begin(), names.end(), name) != names.end();
  };
  for (const auto& f : families_)
    for (const auto& o : f.options)
      if (has(is_long ? o->get_lnames() : o->get_snames())) return o.get();
  return nullptr;
}

// Defines the lazy family listing `name` ("-x" or a long name); false when none does.
bool option_families::define_lazy(std::string_view name) {
  const auto lazy = std::find_if(families_.begin(), families_.end(), [name](const family& f) {
    return f.define &&
           std::find(f.lazy_names.begin(), f.lazy_names.end(), name) != f.lazy_names.end();
  });
  if (lazy == families_.end()) return false;
  define_family(static_cast<std::size_t>(lazy - families_.begin()));
  return true;
}

// Design: defining a family too many costs time, one too few makes a given option unknown. So
// every word that may be an option counts: each letter of a cluster up to one that takes a
// value (what follows it is the value), and the word after an option, which may be its value.
// Anything no family knows (a typo, a value such as -1) needs every option, as the error
// message and its "did you mean" do.
bool option_families::define_cluster(std::string_view letters) {
  for (std::size_t k = 0; k < letters.size(); ++k) {
    const auto letter = letters.substr(k, 1);
    const CLI::Option* o = defined(letter, false);
    if (o == nullptr && define_lazy("-" + std::string(letter))) o = defined(letter, false);
    if (o == nullptr) return false;
    if (o->get_expected_max() > 0) return true; // the rest is its value (flags expect none)
  }
  return true;
}

void option_families::define_needed(int argc, const char* const* argv) {
  set_aside();
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg(argv[i]);
    if (arg == "--") break; // positional arguments follow
    if (arg.size() < 2 || arg[0] != '-') continue;
    if (arg[1] != '-') {
      if (!define_cluster(arg.substr(1))) return define_all();
      continue;
    }
    const auto name = arg.substr(2, arg.find('=') == std::string_view::npos ? std::string_view::npos
                                                                            : arg.find('=') - 2);
    if (name == "help") return define_all();
    if (defined(name, true) == nullptr && !define_lazy(name))
      return define_all(); // unknown: the error sees every option
  }
}

void option_families::define_all() {
  set_aside();
  for (std::size_t i = 0; i < families_.size(); ++i)
    define_family(i);
}

void option_families::put_back() {
  set_aside();
  std::vector<CLI::Option_p> all;
  for (auto& f : families_)
    all.insert(all.end(), std::make_move_iterator(f.options.begin()),
               std::make_move_iterator(f.options.end()));
  families_.clear();
  options_of::in(app_) = std::move(all);
}

void option_families::gather() {
  put_back();
  gathered_ = true;
  check_unique(options_of::in(app_));
}

void new_option_family(CLI::App& app) {
  if (auto* f = option_families::for_app(app); f != nullptr && !f->defining_) f->set_aside();
}

void lazy_option_family(CLI::App& app, std::vector<std::string> names,
                        std::function<void()> define) {
  auto* f = option_families::for_app(app);
  if (f == nullptr || f->defining_) return define();
  f->set_aside();
  f->families_.push_back({{}, std::move(names), std::move(define)});
}

std::size_t given_count(const CLI::App& app, const std::string& name) {
  const CLI::Option* o = app.get_option_no_throw(name);
  return o == nullptr ? 0 : o->count();
}

} // namespace mqtk::app
