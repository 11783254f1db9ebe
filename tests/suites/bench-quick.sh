#!/usr/bin/env bash
# The benchmark's quick mode (small corpus, debug build): proves the benchmark still builds, runs
# both engines and produces sensible figures. The real figures come from a release run
# (`cargo run --release -p fieldref-bench`, see BENCHMARKS.md). Ends with `bench: N passed, N failed`.
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo run --quiet -p fieldref-bench -- --quick
