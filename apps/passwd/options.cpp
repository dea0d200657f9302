// SPDX-License-Identifier: MIT
#include "passwd/options.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "common/cli.hpp"
#include "mqtk/auth/password_hash.hpp"

namespace mqtk::app::passwd {
namespace {

struct raw_options {
  bool batch = false, create = false, remove = false, upgrade = false, scram = false;
  std::string hash;
  std::optional<unsigned> iterations;
  std::vector<std::string> words; // FILE [USER [PASSWORD]]
};

void define(CLI::App& app, raw_options& o) {
  app.add_flag("-b,--batch", o.batch,
               "Take the password from the command line (it shows in the process list)");
  app.add_flag("-c,--create", o.create, "Create FILE, replacing it if it exists");
  app.add_flag("-D,--delete", o.remove, "Delete USER from FILE");
  app.add_flag("-U,--upgrade", o.upgrade,
               "Hash every plain-text password of FILE (lines already hashed stay)");
  app.add_option("-H,--hash", o.hash,
                 "The hash: sha512-pbkdf2 (default), sha512 (weak, old), or a SCRAM verifier "
                 "for --auth-method SCRAM-SHA-256/512 (mqtk-broker only)")
      ->type_name("sha512-pbkdf2|sha512|scram-sha-256|scram-sha-512")
      ->check(CLI::IsMember({"sha512-pbkdf2", "sha512", "scram-sha-256", "scram-sha-512"}));
  app.add_flag("--scram", o.scram, "The same as -H scram-sha-256");
  app.add_option("-I,--iterations", o.iterations,
                 fmt::format("PBKDF2 iterations (default {}; SCRAM {})", auth::default_iterations,
                             auth::default_scram_iterations))
      ->type_name("N")
      ->check(CLI::Range(1u, 2'147'483'647u));
  app.add_option("args", o.words, "FILE USER [PASSWORD]")->type_name("FILE USER [PASSWORD]");
}

std::optional<settings> validate(const raw_options& o, std::string& why) {
  settings s;
  const std::size_t n = o.words.size();
  if (int(o.create) + int(o.remove) + int(o.upgrade) > 1)
    return why = "give at most one of -c, -D and -U", std::nullopt;
  if (o.upgrade && (o.batch || n != 1))
    return why = "-U takes only the password FILE", std::nullopt;
  if (o.remove && (o.batch || n != 2)) return why = "-D takes FILE and USER", std::nullopt;
  if (!o.upgrade && !o.remove && n != (o.batch ? 3u : 2u))
    return why = o.batch ? "-b takes FILE, USER and PASSWORD"
                         : "give FILE and USER (the password is asked for; -b takes it as a "
                           "third argument)",
           std::nullopt;
  if (o.hash == "sha512" && o.iterations)
    return why = "-I is for -H sha512-pbkdf2 and SCRAM (sha512 hashes once)", std::nullopt;
  if (o.scram && !o.hash.empty() && o.hash != "scram-sha-256")
    return why = "--scram is -H scram-sha-256; give one of them", std::nullopt;
  s.what = o.upgrade ? action::upgrade : o.remove ? action::remove : action::set;
  s.file = o.words[0];
  if (n > 1) s.user = o.words[1];
  if (!s.user.empty()) {
    if (auto bad = auth::bad_user_name(s.user); !bad.empty())
      return why = "user '" + s.user + "': " + bad, std::nullopt;
  }
  if (o.batch) s.password = o.words[2];
  s.create = o.create;
  const std::string hash = o.scram ? "scram-sha-256" : o.hash;
  s.kind = hash == "sha512"          ? auth::hash_kind::sha512
           : hash == "scram-sha-256" ? auth::hash_kind::scram_sha256
           : hash == "scram-sha-512" ? auth::hash_kind::scram_sha512
                                     : auth::hash_kind::sha512_pbkdf2;
  s.iterations = o.iterations.value_or(auth::is_scram(s.kind) ? auth::default_scram_iterations
                                                              : auth::default_iterations);
  return s;
}

} // namespace

std::optional<settings> parse(int argc, char** argv, int& exit_status) {
  return parse_tool<raw_options, settings>(
      "mqtk-passwd", "mqtk-passwd: manage the users of a mosquitto-format password file", manual,
      argc, argv, exit_status, define, validate);
}

} // namespace mqtk::app::passwd
