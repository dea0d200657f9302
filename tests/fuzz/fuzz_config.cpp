// SPDX-License-Identifier: MIT
// libFuzzer target for the mosquitto.conf reader: the input is a config file. Oracle: no crash,
// leak, UB or hang; a file that is refused says why, naming the file. (include_dir is left out:
// it would make the run read whatever directory the fuzzer names.)
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>
#include <string_view>
#include <unistd.h>

#include "broker/config_file.hpp"

using namespace mqtk::app::broker;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (text.find("include") != std::string_view::npos) return 0;
  static const std::string path = "/dev/shm/mqtk-fuzz-config-" + std::to_string(::getpid());
  std::ofstream(path, std::ios::binary | std::ios::trunc)
      .write(text.data(), static_cast<std::streamsize>(size));
  std::string error;
  const auto r = read_config_file(path, error);
  if (!r && error.find(path) == std::string::npos) std::abort();
  return 0;
}
