// SPDX-License-Identifier: MIT
// libFuzzer target for the JSON lines reader (`mqtk-pub --jsonl`, replaying `mqtk-sub --jsonl`).
// Oracle: no crash, leak, UB or hang; a line that reads as a message is written back by
// json_line() as a line that reads as the same message (replay is lossless).
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "mqtk/jsonl/json_message.hpp"

using namespace mqtk;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  std::string why;
  const auto m = jsonl::message_from_json(line, why);
  (void)jsonl::indented_json(line);
  if (!m) {
    if (why.empty()) std::abort(); // a refusal always says why
    return 0;
  }
  const auto again = jsonl::message_from_json(jsonl::json_line(*m, {}), why);
  if (!again || !(*again == *m)) std::abort();
  return 0;
}
