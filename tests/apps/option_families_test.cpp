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

namespace {

struct tls_values {
  std::string host, cafile;
  bool insecure = false, debug = false;
};

void define_lazy(CLI::App& app, tls_values& v,
                 std::vector<std::string> listed = {"cafile", "insecure"}) {
  app.add_option("-h,--host", v.host, "Host");
  mqtk::app::lazy_option_family(app, std::move(listed), [&app, &v] {
    app.add_option("--cafile", v.cafile, "CA file");
    app.add_flag("--insecure", v.insecure, "No name check");
  });
  mqtk::app::new_option_family(app);
  app.add_flag("-d,--debug", v.debug, "Trace");
}

// Defines `app` for ARGS as parse_tool does, then parses them; the names of what was defined.
std::vector<std::string> defined_for(CLI::App& app, tls_values& v, std::vector<const char*> args) {
  args.insert(args.begin(), "tool");
  {
    mqtk::app::option_families families(app);
    define_lazy(app, v);
    families.define_needed(static_cast<int>(args.size()), args.data());
    families.gather();
  }
  return names_in_order(app);
}

} // namespace

TEST_CASE("a lazy family is defined only when the command line names one of its options") {
  CLI::App plain("test", "tool");
  prepare(plain);
  tls_values pv;
  define_lazy(plain, pv);
  const auto all = names_in_order(plain);

  CLI::App unnamed("test", "tool");
  prepare(unnamed);
  tls_values u;
  CHECK(defined_for(unnamed, u, {"-h", "b", "-d"}) ==
        std::vector<std::string>{"--help", "--host", "--debug"});
  CHECK(unnamed.get_option_no_throw("--cafile") == nullptr);

  for (auto args : std::vector<std::vector<const char*>>{{"--cafile=x"}, {"--insecure", "-d"}}) {
    CLI::App named("test", "tool");
    prepare(named);
    tls_values n;
    CHECK(defined_for(named, n, args) == all); // in definition order
  }
  // --help, an option no family knows and a stray short option need every option.
  for (auto args : std::vector<std::vector<const char*>>{{"--help"}, {"--cafil"}, {"-z"}}) {
    CLI::App every("test", "tool");
    prepare(every);
    tls_values e;
    CHECK(defined_for(every, e, args) == all);
  }
  // After "--" nothing is an option.
  CLI::App after("test", "tool");
  prepare(after);
  tls_values a;
  CHECK(defined_for(after, a, {"-d", "--", "--cafile"}).size() == 3);
}

TEST_CASE("a lazy family whose list does not match its options is refused when defined") {
  CLI::App app("test", "tool");
  prepare(app);
  tls_values v;
  mqtk::app::option_families families(app);
  define_lazy(app, v, {"cafile"});
  CHECK_THROWS_AS(families.define_all(), std::logic_error);
}

namespace {

struct short_values {
  std::string port, format;
  bool debug = false, verbose = false, retain = false;
};

// -v eager; -p (a value), -d and -r (flags) and -F (a value) in lazy families, one nested.
void define_short(CLI::App& app, short_values& v) {
  app.add_flag("-v,--verbose", v.verbose, "Verbose");
  mqtk::app::lazy_option_family(app, {"-p", "port"},
                                [&app, &v] { app.add_option("-p,--port", v.port, "Port"); });
  mqtk::app::lazy_option_family(app, {"-d", "debug", "-F", "format"}, [&app, &v] {
    app.add_flag("-d,--debug", v.debug, "Trace");
    mqtk::app::new_option_family(app); // part of the lazy family being defined, not a new one
    mqtk::app::lazy_option_family(app, {"-F", "format"},
                                  [&app, &v] { app.add_option("-F,--format", v.format, "Fmt"); });
  });
  mqtk::app::lazy_option_family(app, {"-r", "retain"},
                                [&app, &v] { app.add_flag("-r,--retain", v.retain, "Retain"); });
}

std::vector<std::string> short_defined_for(std::vector<const char*> args, short_values& v) {
  CLI::App app("test", "tool");
  prepare(app);
  args.insert(args.begin(), "tool");
  {
    mqtk::app::option_families families(app);
    define_short(app, v);
    families.define_needed(static_cast<int>(args.size()), args.data());
    families.gather();
  }
  auto names = names_in_order(app);
  app.parse(static_cast<int>(args.size()), args.data());
  return names;
}

} // namespace

TEST_CASE("a lazy family with short names is defined by one alone or in a cluster") {
  using names = std::vector<std::string>;
  short_values v;
  CHECK(short_defined_for({"-v"}, v) == names{"--help", "--verbose"});
  short_values dv;
  CHECK(short_defined_for({"-dv"}, dv) == names{"--help", "--verbose", "--debug", "--format"});
  CHECK((dv.debug && dv.verbose));
  // The letters after one that takes a value are its value, not options.
  short_values p;
  CHECK(short_defined_for({"-vp1883"}, p) == names{"--help", "--verbose", "--port"});
  CHECK(p.port == "1883");
  short_values sep;
  CHECK(short_defined_for({"-p", "1883", "-r"}, sep) ==
        names{"--help", "--verbose", "--port", "--retain"});
  CHECK((sep.port == "1883" && sep.retain));
  // A letter no family knows needs every option (the error names it, with "did you mean").
  CLI::App every("test", "tool");
  prepare(every);
  short_values e;
  std::vector<const char*> args{"tool", "-vz"};
  mqtk::app::option_families families(every);
  define_short(every, e);
  families.define_needed(static_cast<int>(args.size()), args.data());
  families.gather();
  CHECK(names_in_order(every) ==
        names{"--help", "--verbose", "--port", "--debug", "--format", "--retain"});
}
