#!/usr/bin/env bash
# The benchmark's quick mode (small corpus, debug build): proves the benchmark still builds, runs
# both engines and produces sensible figures. The real figures come from a release run
# (`cargo run --release -p fieldref-bench`, see BENCHMARKS.md). With FIELDREF_BENCH_LIB=1 it also
# builds the phone library (`--profile mobile`: a no-op when up to date, but a full fat-LTO build
# on a fresh machine, 15-40 minutes on 2 cores, which the test command cannot afford) and fails
# when its stripped size is over the 8 MB budget (issue 16). Without it the size row is left out.
# Ends with `bench: N passed, N failed`.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ "${FIELDREF_BENCH_LIB:-0}" = 1 ]; then
  cargo run --quiet -p fieldref-bench -- --quick
else
  cargo run --quiet -p fieldref-bench -- --quick --no-lib
fi
