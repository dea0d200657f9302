// SPDX-License-Identifier: MIT
// Diagnostics to standard error that never end the tool: fmt::print throws when stderr is a
// closed pipe (`mqtk-sub -d 2>&1 | grep -q SUBACK` closes it at the first match), and an
// exception thrown from an I/O handler would abort mid-session, before acknowledgements and
// the exit status. A diagnostic nobody reads is dropped instead.
#pragma once

#include <string_view>

namespace mqtk::app {

/// Writes `text` and a newline to standard error; a failed write is ignored.
void stderr_line(std::string_view text);
/// Writes `text` as it is (no newline added); a failed write is ignored.
void stderr_text(std::string_view text);

} // namespace mqtk::app
