// SPDX-License-Identifier: MIT
// Defining a tool's options a family at a time, and the rarely used families only when a
// command line names them, so start-up does not pay for options it does not use.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <vector>

namespace mqtk::app {

/// Design: CLI11 2.1 checks each option it adds against every option the app already has,
/// copying name lists for each pair, and building one option costs some 9,000 instructions:
/// defining all of mqtk-pub's 90 options was most of a one-shot publish's start-up. While an
/// option_families is alive for an app:
/// - each family of options (connection, session, TLS, output...) is checked against its own
///   family only: new_option_family() sets the families before it aside;
/// - a lazy family (its names listed) is defined by define_needed() only when the command
///   line names one of them (a short one alone or in a cluster such as -dv), or when it needs every
///   option: --help, an option no defined family knows (so errors and "did you mean" see them all),
///   or anything that is not an option of ours (--generate). An option left undefined keeps its
///   default, exactly as an option not given;
/// - gather() puts every defined option back in definition order (help, --help and parsing see
///   exactly what plain definition gives) and checks all names once, throwing CLI11's
///   OptionAlreadyAdded for a name defined twice, as add_option would have.
class option_families {
public:
  explicit option_families(CLI::App& app);
  option_families(const option_families&) = delete;
  option_families& operator=(const option_families&) = delete;
  /// Puts the options back (unchecked) if gather() was not reached.
  ~option_families();
  /// Defines the lazy families the arguments need (all of them when they need every option).
  void define_needed(int argc, const char* const* argv);
  void define_all();
  void gather();

private:
  struct family {
    std::vector<CLI::Option_p> options;
    std::vector<std::string> lazy_names; ///< a lazy family's names: "-x", or long without "--"
    std::function<void()> define;        ///< set while a lazy family is not defined yet
  };
  friend void new_option_family(CLI::App& app);
  friend void lazy_option_family(CLI::App& app, std::vector<std::string> names,
                                 std::function<void()> define);
  static option_families* for_app(const CLI::App& app);
  void set_aside();
  void define_family(std::size_t i);
  const CLI::Option* defined(std::string_view name, bool is_long) const;
  bool define_lazy(std::string_view name);
  bool define_cluster(std::string_view letters);
  void put_back();
  CLI::App& app_;
  std::vector<family> families_;
  option_families* outer_;
  bool gathered_ = false;
  bool defining_ = false; // inside a lazy family's definition
};

/// Starts a new family on `app`: a no-op unless an option_families for it is alive.
void new_option_family(CLI::App& app);
/// A family that `define` adds to `app`, with exactly the options `names` lists: "-x" for a
/// short name, a long one without "--". Defined at once unless an option_families for `app` is
/// alive (or while a lazy family is being defined: then it is part of that one, whose list
/// names its options too).
void lazy_option_family(CLI::App& app, std::vector<std::string> names,
                        std::function<void()> define);
/// How often the command line gave option `name` ("--host", "-v"); 0 for one not defined.
std::size_t given_count(const CLI::App& app, const std::string& name);

} // namespace mqtk::app
