// SPDX-License-Identifier: MIT
// Reading a file the user named, and saying why it could not be read.
#pragma once

#include <optional>
#include <string>

namespace mqtk::app {

/// The whole of `path`, or nullopt with the reason in `why` ("No such file or directory",
/// "Permission denied", "is a directory"), without the path: callers put it in context.
std::optional<std::string> read_whole_file(const std::string& path, std::string& why);

} // namespace mqtk::app
