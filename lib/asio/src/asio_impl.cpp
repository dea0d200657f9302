// SPDX-License-Identifier: MIT
// The single translation unit that holds Asio's implementation (ASIO_SEPARATE_COMPILATION).
#include <asio/impl/src.hpp>
