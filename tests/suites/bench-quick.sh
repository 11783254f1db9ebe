#!/usr/bin/env bash
# The benchmark's quick mode (small corpus, debug build): proves the benchmark still builds, runs
# both engines and produces sensible figures, and fails when the install peaks over 150 MB or
# the phone library is over its 8 MB budget (issue 16). The real figures come from a release run
# (`cargo run --release -p fieldref-bench`, see BENCHMARKS.md).
#
# The library is the one the phones ship: arm64, `--profile mobile`, linked as the Android build
# links it (lld, packed relocations, identical code folding; android/app/build.gradle.kts). With
# no Android NDK here, the closest build is `aarch64-unknown-linux-gnu` (the same Rust code and
# arm64 code generation; glibc instead of bionic): Debian's cross gcc drives the link, and the
# target comes from rustup. Both are installed when missing. The build is a no-op when the
# library is up to date and about 4 minutes on a fresh 2-core machine. FIELDREF_BENCH_LIB=0
# leaves the library out (then its budget is not checked). Ends with `bench: N passed, N failed`.
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ "${FIELDREF_BENCH_LIB:-1}" = 0 ]; then
  cargo run --quiet -p fieldref-bench -- --quick --no-lib
  exit
fi

triple=aarch64-unknown-linux-gnu
if ! command -v aarch64-linux-gnu-gcc >/dev/null || ! command -v aarch64-linux-gnu-strip >/dev/null; then
  echo "installing the arm64 cross linker"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu >/dev/null
fi
if ! rustup target list --installed | grep -qx "$triple"; then
  echo "adding the $triple target"
  rustup target add "$triple" >/dev/null
fi
# rust-lld as `ld.lld`, found through gcc's -B: the linker the Android build uses.
gcc_ld="$(rustc --print sysroot)/lib/rustlib/$(rustc -vV | sed -n 's/^host: //p')/bin/gcc-ld"
export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc
export CC_aarch64_unknown_linux_gnu=aarch64-linux-gnu-gcc
export AR_aarch64_unknown_linux_gnu=aarch64-linux-gnu-ar
export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUSTFLAGS="-C link-arg=-B$gcc_ld -C link-arg=-fuse-ld=lld -C link-arg=-Wl,--pack-dyn-relocs=android -C link-arg=-Wl,--icf=all"
cargo run --quiet -p fieldref-bench -- --quick --lib-target "$triple" --strip aarch64-linux-gnu-strip
