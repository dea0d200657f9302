// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include "common/option_families.hpp"

namespace {

struct values {
  std::string host, topic;
  bool retain = false, debug = false;
  unsigned qos = 0;
};

// Three families, as the tools define them; `split` marks where each begins.
void define(CLI::App& app, values& v, bool split) {
  if (split) mqtk::app::new_option_family(app);
  app.add_option("-h,--host", v.host, "Host")->group("Connection");
  app.add_flag("-d,--debug", v.debug, "Trace")->group("Connection");
  if (split) mqtk::app::new_option_family(app);
  app.add_option("-t,--topic", v.topic, "Topic")->group("Message");
  app.add_option("-q,--qos", v.qos, "QoS")->group("Message");
  if (split) mqtk::app::new_option_family(app);
  app.add_flag("-r,--retain", v.retain, "Retain")->group("Message");
}

// As the tools do: --help only (-h is a host).
void prepare(CLI::App& app) {
  app.set_help_flag("--help", "Help");
}
std::vector<std::string> names_in_order(const CLI::App& app) {
  std::vector<std::string> names;
  for (const auto* o : app.get_options())
    names.push_back(o->get_name());
  return names;
}

} // namespace

TEST_CASE("options defined by families are the options defined at once, in order") {
  CLI::App plain("test", "tool");
  prepare(plain);
  values pv;
  define(plain, pv, false);
  CLI::App families_app("test", "tool");
  prepare(families_app);
  values fv;
  {
    mqtk::app::option_families families(families_app);
    define(families_app, fv, true);
    families.gather();
  }
  CHECK(names_in_order(families_app) == names_in_order(plain));
  CHECK(families_app.help() == plain.help());
  const char* argv[] = {"tool", "-h", "b", "-dr", "--topic", "a/b", "-q", "1"};
  families_app.parse(8, const_cast<char**>(argv));
  CHECK(fv.host == "b");
  CHECK(fv.debug);
  CHECK(fv.retain);
  CHECK(fv.topic == "a/b");
  CHECK(fv.qos == 1);
  CHECK(families_app.count("--qos") == 1);
}

TEST_CASE("a name defined in two families is refused when they are gathered") {
  // "-r" is in the family still open: CLI11's own check refuses it at once.
  for (const auto* twice : {"-t,--again", "--topic", "--help", "-r"}) {
    CLI::App app("test", "tool");
    prepare(app);
    values v;
    std::string other;
    mqtk::app::option_families families(app);
    define(app, v, true);
    const bool same_family = std::string(twice) == "-r";
    if (!same_family) mqtk::app::new_option_family(app);
    if (same_family) {
      CHECK_THROWS_AS(app.add_option(twice, other, "Again"), CLI::OptionAlreadyAdded);
      continue;
    }
    app.add_option(twice, other, "Again");
    CHECK_THROWS_AS(families.gather(), CLI::OptionAlreadyAdded);
  }
}

TEST_CASE("without option_families a new family changes nothing, and unfinished all come back") {
  CLI::App app("test", "tool");
  prepare(app);
  values v;
  define(app, v, true);
  CHECK(names_in_order(app).size() == 6);
  CLI::App unfinished("test", "tool");
  prepare(unfinished);
  values u;
  {
    mqtk::app::option_families families(unfinished);
    define(unfinished, u, true);
  }
  CHECK(names_in_order(unfinished) == names_in_order(app));
}
