// SPDX-License-Identifier: MIT
// Defining a tool's options a family at a time, so start-up does not grow with the square of
// the option count.
#pragma once

#include <CLI/CLI.hpp>
#include <vector>

namespace mqtk::app {

/// Design: CLI11 2.1 checks each option it adds against every option the app already has,
/// copying name lists for each pair: mqtk-pub's 90 options cost 1.4 million instructions, half
/// of a one-shot publish. While an option_families is alive for an app, each family of options
/// (connection, session, TLS, output...) is checked against its own family only:
/// new_option_family() sets the families before it aside. gather() puts every option back in
/// definition order (help, --help and parsing see exactly what plain definition gives) and
/// checks all names once, throwing CLI11's OptionAlreadyAdded for a name defined twice, as
/// add_option would have.
class option_families {
public:
  explicit option_families(CLI::App& app);
  option_families(const option_families&) = delete;
  option_families& operator=(const option_families&) = delete;
  /// Puts the options back (unchecked) if gather() was not reached.
  ~option_families();
  void gather();

private:
  friend void new_option_family(CLI::App& app);
  void set_aside();
  void put_back();
  CLI::App& app_;
  std::vector<CLI::Option_p> aside_;
  option_families* outer_;
  bool gathered_ = false;
};

/// Starts a new family on `app`: a no-op unless an option_families for it is alive.
void new_option_family(CLI::App& app);

} // namespace mqtk::app
