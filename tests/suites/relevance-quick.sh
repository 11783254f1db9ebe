#!/usr/bin/env bash
# The relevance benchmark's quick mode (debug build): CISI (from ../shared/ir/cisi or
# FIELDREF_CISI_DIR) and the in-domain judged set (bench/relevance/port-alder.toml), both in full,
# against the floors in bench/src/relevance/floors.rs, plus the check that FieldRef's hits come back
# in score order. Ends with `relevance: N passed, N failed` even when the run stops early.
set -uo pipefail
cd "$(dirname "$0")/../.."
log=$(mktemp)
trap 'rm -f "$log"' EXIT
cargo run --quiet -p fieldref-bench -- relevance --quick 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
if ! grep -Eq '^relevance: [0-9]+ passed, [0-9]+ failed' "$log"; then
  # The run stopped before its checks (build, load or parse error, shown above): one failure.
  echo "relevance: 0 passed, 1 failed"
  [ "$status" -ne 0 ] || status=1
fi
exit "$status"
