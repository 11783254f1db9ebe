#!/usr/bin/env bash
# The community partners' build of the library (the core without its `officers` feature;
# AUDIENCES.md): its own unit tests (bundles only public content, refuses officers content even
# if handed it), and the shipped library file checked byte for byte: no officers-only step text
# and no officers-only address in it, while the officers build does contain them (so the check
# can fail). Built in its own target dir so the officers library the Kotlin suite uses is untouched.
set -uo pipefail
cd "$(dirname "$0")/../.."
export CARGO_PROFILE_DEV_DEBUG="${CARGO_PROFILE_DEV_DEBUG:-0}"
passed=0
failed=0
pass() { echo "ok: $1"; passed=$((passed + 1)); }
fail() { echo "FAILED: $1"; failed=$((failed + 1)); }
summary() { echo "partner-build: $passed passed, $failed failed"; }
trap summary EXIT

partner_target=target/partner

echo "== partner unit tests (fieldref-core without officers)"
if cargo test --quiet -p fieldref-core --lib --target-dir "$partner_target" partner_build 2>&1 \
  | tee /dev/stderr | grep -q "test result: ok. 2 passed"; then
  pass "partner build's own unit tests"
else
  fail "partner build's own unit tests"
fi

echo "== partner and officers libraries"
cargo build --quiet -p fieldref-ffi --lib --no-default-features --target-dir "$partner_target" || {
  fail "partner library builds"
  exit 1
}
cargo build --quiet -p fieldref-ffi --lib || {
  fail "officers library builds"
  exit 1
}
partner_lib="$partner_target/debug/libfieldref_ffi.so"
officers_lib="target/debug/libfieldref_ffi.so"

# Text only officers may have, read from the sources: the longest step text of an officers-only
# checklist and the address of a contact whose location only officers see, each checked to
# appear in no public document.
mapfile -t secrets < <(python3 - <<'EOF'
import pathlib, re, sys, tomllib
public, officers_steps, officers_addresses = [], [], []
for path in sorted(pathlib.Path("content").rglob("*.md")):
    if path.name == "README.md":
        continue
    text = path.read_text()
    front = tomllib.loads(text.split("+++")[1])
    if front.get("audience") == "officers":
        for section in front.get("sections", []):
            officers_steps += [s["text"] for s in section.get("steps", [])]
    else:
        public.append(text)
        if front.get("location_visibility") == "officers" and front.get("address"):
            officers_addresses.append(front["address"])
everything_public = "\n".join(public)
steps = sorted((s for s in officers_steps if s not in everything_public), key=len, reverse=True)
if not steps or not officers_addresses:
    sys.exit("no officers-only text found in content/")
print(steps[0])
print(officers_addresses[0])
EOF
)
if [ "${#secrets[@]}" -ne 2 ]; then
  fail "officers-only text found in content/"
  exit 1
fi

for secret in "${secrets[@]}"; do
  if grep -qF -- "$secret" "$officers_lib"; then
    pass "officers library contains \"${secret:0:40}...\""
  else
    fail "officers library contains \"${secret:0:40}...\" (the check below could not fail)"
  fi
  if grep -qF -- "$secret" "$partner_lib"; then
    fail "partner library contains \"${secret:0:40}...\""
  else
    pass "partner library lacks \"${secret:0:40}...\""
  fi
done
