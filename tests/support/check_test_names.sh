#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# CTest splits test names at ';', and catch_discover_tests then asks Catch for a name that does
# not exist: "No test cases matched" passes silently, so such a test case never runs. This fails
# on any Catch test case whose name holds a ';', or starts with '-' (taken for an option).
#   check_test_names.sh TEST_BINARY...
set -euo pipefail
bad=0
for bin in "$@"; do
  while IFS= read -r name; do
    case "$name" in
    *';'*)
      echo "$(basename "$bin"): test case name holds ';' (CTest would never run it): $name"
      bad=1
      ;;
    -*)
      echo "$(basename "$bin"): test case name starts with '-' (Catch reads it as an option): $name"
      bad=1
      ;;
    esac
  done < <("$bin" --list-test-names-only)
done
[ "$bad" -eq 0 ] && echo "$# test binaries: every test case name is runnable by CTest"
exit "$bad"
