// SPDX-License-Identifier: MIT
// What the store's tests share: a directory of their own, and a history saved batch by batch.
#pragma once

#include <catch2/catch.hpp>

#include <filesystem>
#include <random>
#include <string>

#include "../broker/journal_world.hpp"
#include "mqtk/store/sqlite_store.hpp"

namespace mqtk::testing {

/// A directory of its own under the system's temporary one, removed afterwards.
struct temp_dir {
  std::filesystem::path path;
  temp_dir() {
    std::string t = (std::filesystem::temp_directory_path() / "mqtk-store-XXXXXX").string();
    REQUIRE(::mkdtemp(t.data()) != nullptr);
    path = t;
  }
  ~temp_dir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  std::string file(const std::string& name) const { return (path / name).string(); }
};

/// Runs `ops` operations of `a`'s history, saving each one's records as a batch of its own, as
/// the broker's writer would.
inline void save_each(store::sqlite_store& db, world& a, std::mt19937& rng, int ops) {
  std::size_t saved = 0;
  std::string why;
  run_history(a, rng, ops, [&] {
    const std::vector<broker::journal_record> batch(a.records.begin() + static_cast<long>(saved),
                                                    a.records.end());
    saved = a.records.size();
    REQUIRE(db.save(batch, why));
  });
}

/// The store at `path`, opened as a restart would, loads into a core that answers the next
/// `ops` operations as `a` does.
inline void require_restores(const std::string& path, world& a, std::mt19937& rng, int ops) {
  std::string why;
  auto again = store::sqlite_store::open(path, store::sync_mode::normal, why);
  REQUIRE(again);
  std::vector<broker::journal_record> loaded;
  REQUIRE(again->load(loaded, why));
  world b;
  b.now = a.now;
  b.core.restore(loaded, b.now);
  b.take_clients(a);
  require_same(a, b, rng, ops);
}

} // namespace mqtk::testing
