// SPDX-License-Identifier: MIT
// Finds and loads libmqtk-openssl.so once per process.
#pragma once

#include <string>

#include "../module/openssl_api.h"

namespace mqtk::transport::detail {

/// The module's interface, or nullptr with the reason in `why`.
const mqtk_openssl_api* openssl(std::string& why);

} // namespace mqtk::transport::detail
