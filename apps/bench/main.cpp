// SPDX-License-Identifier: MIT
// mqtk-bench: entry point.
#include <csignal>
#include <cstdio>
#include <string_view>
#include <sys/resource.h>

#include "bench/engine.hpp"
#include "bench/export.hpp"
#include "bench/html_report.hpp"
#include "bench/report.hpp"
#include "bench/subcommands.hpp"
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

} // namespace

using namespace mqtk::app::bench;

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  if (argc > 1 && std::string_view(argv[1]) == "merge") return merge_main(argc - 1, argv + 1);
  if (argc > 1 && std::string_view(argv[1]) == "compare") return compare_main(argc - 1, argv + 1);
  int status = 0;
  const auto s = parse(argc, argv, status);
  if (!s) return status;
  raise_file_limit(s->conn.quiet);
  results r;
  const tick_fn tick = s->conn.quiet ? tick_fn([](const progress&, bool) {}) : print_progress;
  status = run_threads(*s, r, tick);
  if (!r.ran) return status;
  const auto info = describe(*s);
  bool written = write_output(s->csv, csv_of(r));
  written = write_output(s->report, html_report(info, r)) && written;
  written = write_output(s->save, saved_run_json(info, r)) && written;
  if (!written) status = mqtk::app::exit_failure;
  std::fputs((s->json ? summary_json(info, r) : summary_table(info, r)).c_str(), stdout);
  return status;
}
