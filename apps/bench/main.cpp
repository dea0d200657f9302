// SPDX-License-Identifier: MIT
// mqtk-bench: entry point.
#include <csignal>
#include <cstdio>
#include <fstream>
#include <sys/resource.h>

#include "bench/engine.hpp"
#include "bench/export.hpp"
#include "bench/report.hpp"
#include "common/exit_codes.hpp"

namespace {

// Every client is a socket: go up to the hard limit of open files, and say so.
void raise_file_limit(bool quiet) {
  rlimit lim{};
  if (::getrlimit(RLIMIT_NOFILE, &lim) != 0 || lim.rlim_cur >= lim.rlim_max) return;
  const auto before = lim.rlim_cur;
  lim.rlim_cur = lim.rlim_max;
  if (::setrlimit(RLIMIT_NOFILE, &lim) == 0 && !quiet)
    std::fprintf(stderr, "mqtk-bench: open-file limit raised from %llu to %llu\n",
                 static_cast<unsigned long long>(before),
                 static_cast<unsigned long long>(lim.rlim_max));
}

bool write_file(const std::string& path, const std::string& text) {
  if (path.empty()) return true;
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (out.flush()) return true;
  std::fprintf(stderr, "mqtk-bench: cannot write %s\n", path.c_str());
  return false;
}

} // namespace

using namespace mqtk::app::bench;

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  int status = 0;
  const auto s = parse(argc, argv, status);
  if (!s) return status;
  raise_file_limit(s->conn.quiet);
  results r;
  const tick_fn tick = s->conn.quiet ? tick_fn([](const progress&, bool) {}) : print_progress;
  status = run_threads(*s, r, tick);
  if (r.ran && !write_file(s->csv, csv_of(*s, r))) status = mqtk::app::exit_failure;
  if (r.ran && !write_file(s->report, html_report(*s, r))) status = mqtk::app::exit_failure;
  if (r.ran) std::fputs((s->json ? summary_json(*s, r) : summary_table(*s, r)).c_str(), stdout);
  return status;
}
