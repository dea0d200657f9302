// SPDX-License-Identifier: MIT
// mqtk-bench merge and compare: read saved runs, print the result, write the files asked for.
#include "bench/subcommands.hpp"

#include <cstdio>
#include <fstream>

#include "bench/compare.hpp"
#include "bench/export.hpp"
#include "bench/html_report.hpp"
#include "bench/merge.hpp"
#include "bench/report.hpp"
#include "common/cli.hpp"
#include "common/exit_codes.hpp"

namespace mqtk::app::bench {
namespace {

struct file_flags {
  std::vector<std::string> files;
  std::string save, report, csv;
  bool json = false;
};

std::unique_ptr<CLI::App> app_for(const std::string& name, const std::string& what, file_flags& f,
                                  bool merging) {
  auto app = std::make_unique<CLI::App>(what, "mqtk-bench " + name);
  app->set_help_flag("--help", "Print this help message and exit");
  auto* files = app->add_option("files", f.files,
                                merging ? "Saved runs (--save) of the instances, one file each"
                                        : "Two saved runs (--save or merge --save): A, then B");
  files->type_name("FILE")->required();
  if (!merging) files->expected(2);
  if (merging) {
    app->add_option("--save", f.save, "Write the merged run as JSON to FILE (mergeable again)")
        ->type_name("FILE");
    app->add_option("--csv", f.csv, "Write the merged per-second series and summary as CSV to FILE")
        ->type_name("FILE");
  }
  app->add_option("--report", f.report,
                  merging ? "Write the merged run's HTML report to FILE"
                          : "Write an HTML page drawing both runs on the same axes to FILE")
      ->type_name("FILE");
  app->add_flag("--json", f.json, "Print the result as one JSON object on stdout");
  return app;
}

std::optional<std::vector<saved_run>> read_all(const std::vector<std::string>& files) {
  std::vector<saved_run> runs;
  for (const auto& path : files) {
    std::string why;
    auto run = read_saved_run(path, why);
    if (!run) {
      std::fprintf(stderr, "mqtk-bench: %s\n", why.c_str());
      return std::nullopt;
    }
    runs.push_back(std::move(*run));
  }
  return runs;
}

// Runs a subcommand; an exception (memory for a huge but well-formed file) ends it with a
// message instead of an abort.
int guarded(const char* name, int (*body)(int, char**), int argc, char** argv) {
  try {
    return body(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "mqtk-bench %s: %s\n", name, e.what());
    return exit_failure;
  }
}

int merge_files(int argc, char** argv) {
  file_flags f;
  const auto app = app_for("merge",
                           "mqtk-bench merge: combine the saved runs of instances (--instance "
                           "I/N) into one run, histograms bucket by bucket",
                           f, true);
  if (const auto status = parse_command_line(*app, argc, argv)) return *status;
  const auto runs = read_all(f.files);
  if (!runs) return exit_usage;
  std::string why;
  const auto merged = merge_runs(*runs, why);
  if (!merged) {
    std::fprintf(stderr, "mqtk-bench merge: %s\n", why.c_str());
    return exit_usage;
  }
  bool written = write_output(f.save, saved_run_json(merged->info, merged->r));
  written = write_output(f.report, html_report(merged->info, merged->r)) && written;
  written = write_output(f.csv, csv_of(merged->r)) && written;
  const auto& out =
      f.json ? summary_json(merged->info, merged->r) : summary_table(merged->info, merged->r);
  std::fputs(out.c_str(), stdout);
  return written ? exit_ok : exit_failure;
}

int compare_files(int argc, char** argv) {
  file_flags f;
  const auto app = app_for("compare",
                           "mqtk-bench compare: two saved runs (two brokers, or before and after "
                           "a change) side by side, B as a ratio of A",
                           f, false);
  if (const auto status = parse_command_line(*app, argc, argv)) return *status;
  const auto runs = read_all(f.files);
  if (!runs) return exit_usage;
  const auto& a = (*runs)[0];
  const auto& b = (*runs)[1];
  if (a.info.connections() != b.info.connections()) {
    std::fprintf(stderr, "mqtk-bench compare: %s is a conn run and %s is not\n",
                 (a.info.connections() ? a : b).path.c_str(),
                 (a.info.connections() ? b : a).path.c_str());
    return exit_usage;
  }
  const bool written = write_output(f.report, html_compare(a, b));
  std::fputs((f.json ? compare_json(a, b) : compare_table(a, b)).c_str(), stdout);
  return written ? exit_ok : exit_failure;
}

} // namespace

bool write_output(const std::string& path, const std::string& text) {
  if (path.empty()) return true;
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (out.flush()) return true;
  std::fprintf(stderr, "mqtk-bench: cannot write %s\n", path.c_str());
  return false;
}

int merge_main(int argc, char** argv) {
  return guarded("merge", merge_files, argc, argv);
}

int compare_main(int argc, char** argv) {
  return guarded("compare", compare_files, argc, argv);
}

} // namespace mqtk::app::bench
