#!/usr/bin/env bash
# Fuzz smoke (FUZZING.md): every fuzz target, a few seconds each.
#
# Two modes:
# - fuzz: FIELDREF_FUZZ_SMOKE=fuzz (installs cargo-fuzz if missing), or =auto when cargo-fuzz
#   and a nightly toolchain are already installed (a developer machine); each target runs under
#   libFuzzer for FIELDREF_FUZZ_SECONDS (default 5) from its seeds and regression inputs.
# - replay (the default, so the test command's time does not depend on what the machine has): installing cargo-fuzz (~1.5 min of CPU, 4.5 min
#   here) plus a cold nightly sanitizer build of the targets (see FUZZING.md) does not fit this
#   suite's few minutes, so a stable-built runner (core/tests/fuzz_replay.rs) replays every
#   target's seeds, any local corpus and every input that ever crashed a target
#   (fuzz/regressions/). FIELDREF_FUZZ_SMOKE=replay forces this mode.
# Ends with `fuzz: N passed, N failed`.
set -uo pipefail
cd "$(dirname "$0")/../.."
export CARGO_PROFILE_DEV_DEBUG="${CARGO_PROFILE_DEV_DEBUG:-0}"
passed=0
failed=0
pass() { echo "ok: $1"; passed=$((passed + 1)); }
fail() { echo "FAILED: $1"; failed=$((failed + 1)); }
summary() { echo "fuzz: $passed passed, $failed failed"; }
trap summary EXIT

targets=(content_source signed_metadata pack_decoding query opening_hours)
mode="${FIELDREF_FUZZ_SMOKE:-replay}"
if [ "$mode" = auto ]; then
  if cargo fuzz --version >/dev/null 2>&1 && rustup run nightly rustc --version >/dev/null 2>&1; then
    mode=fuzz
  else
    mode=replay
  fi
fi

if [ "$mode" = fuzz ]; then
  cargo fuzz --version >/dev/null 2>&1 || cargo install --locked cargo-fuzz || {
    fail "install cargo-fuzz"
    exit 1
  }
  rustup run nightly rustc --version >/dev/null 2>&1 || rustup toolchain install nightly --profile minimal || {
    fail "install nightly"
    exit 1
  }
  echo "== fuzz mode: seeds into fuzz/corpus, then ${FIELDREF_FUZZ_SECONDS:-5} s per target"
  FIELDREF_FUZZ_SEEDS_OUT=fuzz/corpus cargo test --quiet -p fieldref-core --test fuzz_replay >/dev/null 2>&1 || {
    fail "seed corpora (core/tests/fuzz_replay.rs)"
  }
  (cd fuzz && cargo +nightly fuzz build -O) || {
    fail "build fuzz targets"
    exit 1
  }
  for target in "${targets[@]}"; do
    mkdir -p "fuzz/corpus/$target" "fuzz/regressions/$target"
    if (cd fuzz && cargo +nightly fuzz run -O "$target" "corpus/$target" "regressions/$target" -- \
      -max_total_time="${FIELDREF_FUZZ_SECONDS:-5}" -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1) >"fuzz/$target.log" 2>&1; then
      pass "$target: $(grep -o 'stat::number_of_executed_units: [0-9]*' "fuzz/$target.log" | grep -o '[0-9]*$') runs, no crash"
    else
      tail -30 "fuzz/$target.log"
      fail "$target (artifacts in fuzz/artifacts/$target)"
    fi
  done
else
  echo "== replay mode: a stable-built runner replays seeds and regression inputs"
  for target in "${targets[@]}"; do
    if cargo test --quiet -p fieldref-core --test fuzz_replay "${target}_inputs" -- --nocapture 2>&1 \
      | tee /dev/stderr | grep -q "test result: ok. 1 passed"; then
      pass "$target: inputs replayed"
    else
      fail "$target: inputs replayed"
    fi
  done
fi
