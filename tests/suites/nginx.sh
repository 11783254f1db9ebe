#!/usr/bin/env bash
# The static export served by nginx (Debian's package, installed when missing): runs the
# ignored-by-default test in tests/static_nginx.rs. Ends with `nginx: N passed, N failed`.
set -euo pipefail
cd "$(dirname "$0")/../.."
summarized=0
trap '[ "$summarized" = 1 ] || echo "nginx: 0 passed, 1 failed"' EXIT

if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then
  echo "installing nginx"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null 2>&1 \
    || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null
fi

log=$(mktemp)
set +e
cargo test --quiet -p fieldref-tests --test static_nginx -- --ignored >"$log" 2>&1
set -e
# The cargo summary is replaced by this suite's own line (run-all.sh adds those up).
grep -v '^test result:' "$log" || true
passed=$(sed -n 's/^test result: .* \([0-9]*\) passed; \([0-9]*\) failed.*/\1/p' "$log" | head -1)
failed=$(sed -n 's/^test result: .* \([0-9]*\) passed; \([0-9]*\) failed.*/\2/p' "$log" | head -1)
rm -f "$log"
summarized=1
echo "nginx: ${passed:-0} passed, ${failed:-1} failed"
[ "${failed:-1}" = 0 ]
