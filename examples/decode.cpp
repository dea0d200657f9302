// SPDX-License-Identifier: MIT
// mqtk-decode: decodes MQTT packets from hex (arguments or stdin) and prints each one.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>

#include <fmt/format.h>

#include "mqtk/codec/decoder.hpp"
#include "mqtk/codec/format.hpp"
#include "mqtk/core/errc.hpp"

namespace {

int usage() {
  std::fputs(
      "usage: mqtk-decode [-V 311|5] [-f FILE | HEX...]\n"
      "Decodes a stream of MQTT packets given as hex (arguments, a file, else stdin; spaces and\n"
      "#-comments ignored) and prints one line per packet. A CONNECT sets the version.\n",
      stderr);
  return 2;
}

} // namespace

int main(int argc, char** argv) {
  using namespace mqtk;
  codec::protocol_version version = codec::protocol_version::v5;
  std::string text;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--help") return usage(), 0;
    if (arg == "-V" && i + 1 < argc) {
      const std::string v = argv[++i];
      if (v != "311" && v != "5") return usage();
      version = v == "5" ? codec::protocol_version::v5 : codec::protocol_version::v311;
    } else if (arg == "-f" && i + 1 < argc) {
      std::ifstream in(argv[++i]);
      if (!in) return std::fprintf(stderr, "mqtk-decode: cannot read %s\n", argv[i]), 2;
      text.append(std::istreambuf_iterator<char>(in), {});
    } else {
      text += arg + "\n";
    }
  }
  if (text.empty()) text.assign(std::istreambuf_iterator<char>(std::cin), {});
  const auto bytes = from_hex(text);
  if (!bytes) {
    std::fputs("mqtk-decode: input is not hex\n", stderr);
    return 2;
  }
  codec::stream_decoder decoder(version);
  decoder.feed(*bytes);
  for (;;) {
    auto next = decoder.next();
    if (!next) {
      fmt::print(stderr, "mqtk-decode: {} (a peer answers with reason 0x{:02x} {})\n",
                 next.error().message(), static_cast<unsigned>(reason_for(next.error())),
                 name(reason_for(next.error())));
      return 1;
    }
    if (!*next) break;
    if (const auto* c = std::get_if<codec::connect>(&**next)) decoder.set_version(c->version);
    fmt::print("{}\n", codec::to_string(**next));
  }
  if (decoder.buffered() != 0) {
    fmt::print(stderr, "mqtk-decode: {} bytes of an incomplete packet at the end\n",
               decoder.buffered());
    return 1;
  }
  return 0;
}
