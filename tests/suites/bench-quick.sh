#!/usr/bin/env bash
# The benchmark's quick mode (small corpus, debug build): proves the benchmark still builds, runs
# both engines and produces sensible figures. The real figures come from a release run
# (`cargo run --release -p fieldref-bench`, see BENCHMARKS.md). It also builds the phone library
# (`--profile mobile`, a no-op when up to date, a full optimised build on a fresh machine) and
# fails when its stripped size is over the 8 MB budget (issue 16).
# Ends with `bench: N passed, N failed`.
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo run --quiet -p fieldref-bench -- --quick
