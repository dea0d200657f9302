// SPDX-License-Identifier: MIT
// mqtk-bench merge and mqtk-bench compare: tools over saved runs (--save files), no broker.
#pragma once

#include <string>

namespace mqtk::app::bench {

/// mqtk-bench merge FILE... [--save F] [--report F] [--csv F] [--json]; argv[0] is "merge".
int merge_main(int argc, char** argv);
/// mqtk-bench compare A B [--report F] [--json]; argv[0] is "compare".
int compare_main(int argc, char** argv);
/// Writes `text` to `path` (nothing when `path` is empty); false after saying why on stderr.
bool write_output(const std::string& path, const std::string& text);

} // namespace mqtk::app::bench
