// SPDX-License-Identifier: MIT
// CLI11's classes by name, for headers that only pass them along. CLI11 is large, and every file
// that includes it builds CLI11's validators when the program starts (a one-shot mqtk-pub pays
// for each), so only the files that define or read options include it.
#pragma once

namespace CLI {
class App;
class Option;
class ParseError;
} // namespace CLI
