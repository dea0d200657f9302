// SPDX-License-Identifier: MIT
// mqtk-bench: entry point.
#include <csignal>
#include <cstdio>

#include "bench/engine.hpp"
#include "bench/report.hpp"

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  using namespace mqtk::app::bench;
  int status = 0;
  const auto s = parse(argc, argv, status);
  if (!s) return status;
  results r;
  status = run_load(*s, r, s->conn.quiet ? [](const progress&, bool) {} : print_progress);
  if (r.ran) std::fputs((s->json ? summary_json(*s, r) : summary_table(*s, r)).c_str(), stdout);
  return status;
}
