#!/usr/bin/env bash
# Runs every test FieldRef has, the way CI does: formatting and lints, the Rust unit and
# integration tests (real SQLite files, real tantivy indexes, real HTTP on loopback), then the
# suites that live outside cargo test (tests/suites/*.sh, each ending with an `N passed, N failed`
# line). Installs what it needs on a fresh machine. Ends with one total line.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never
log=$(mktemp)
trap 'rm -f "$log"' EXIT

echo "== cargo fmt --check"
cargo fmt --all -- --check

echo "== cargo clippy"
cargo clippy --workspace --all-targets --quiet -- -D warnings

echo "== cargo test"
cargo test --workspace --lib --bins --tests 2>&1 | tee -a "$log"

for suite in tests/suites/*.sh; do
  [ -e "$suite" ] || continue
  echo "== $suite"
  bash "$suite" 2>&1 | tee -a "$log"
done

# Sum cargo's `test result:` lines and the suites' `name: N passed, N failed` lines.
awk '
  /^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
  /^[a-z-]+: [0-9]+ passed, [0-9]+ failed/ { p += $2; f += $4 }
  END { printf "all: %d passed, %d failed\n", p, f; exit (f > 0) }
' "$log"
