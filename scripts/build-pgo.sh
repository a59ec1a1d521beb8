#!/usr/bin/env bash
# Builds the release binary with profile-guided optimisation (PGO):
#
#   scripts/build-pgo.sh TARGET
#
# leaves target/TARGET/dist/tokenscope, where `cargo build --profile dist --target TARGET`
# would. It builds an instrumented binary first (target/pgo/instrumented), runs it on the
# training workload (scripts/pgo-train.sh), merges the counts with llvm-profdata (rustup's
# llvm-tools component, added when missing) and builds again with them.
#
# Why: a short run (one manifest, as pre-commit hooks and CI steps run it) spends most of its
# time faulting in code pages, and the code one run executes is spread over the whole binary.
# The profile tells LLVM which functions run, and the linker places them together (call-graph
# ordering), besides the usual hot/cold layout and inlining. Measured in the README
# (Performance).
#
# RUSTFLAGS is kept and added to. The host must be able to run TARGET's binaries, and the build
# is plain `cargo build`: cargo-zigbuild cannot link an instrumented binary (zig cc reads
# rustc's `-u __llvm_profile_runtime` as a file), so a musl target needs musl-gcc. The profile is reused while the instrumented binary is the same, so a
# second run with nothing changed builds nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$#" -ne 1 ]; then
  echo "usage: $0 TARGET" >&2
  exit 2
fi
target=$1
flags=${RUSTFLAGS:-}
pgo=$PWD/target/pgo
# Cargo splits RUSTFLAGS at whitespace, and the profile paths go in it.
case "$pgo" in
  *[[:space:]]*)
    echo "build-pgo: the checkout's path has whitespace, which RUSTFLAGS cannot carry: $pgo" >&2
    exit 2
    ;;
esac
mkdir -p "$pgo"

host=$(rustc -vV | sed -n 's/^host: //p')
profdata=$(rustc --print sysroot)/lib/rustlib/$host/bin/llvm-profdata
if [ ! -x "$profdata" ]; then
  rustup component add llvm-tools >&2 || true
fi
if [ ! -x "$profdata" ]; then
  echo "build-pgo: no llvm-profdata at $profdata (rustup component add llvm-tools)" >&2
  exit 3
fi

# 1. The instrumented build, in its own target directory.
RUSTFLAGS="$flags -C profile-generate=$pgo/raw-$target" \
  cargo build --locked -q --profile dist --target "$target" --target-dir "$pgo/instrumented"
instrumented=$pgo/instrumented/$target/dist/tokenscope

# 2. Training, unless this instrumented binary already trained the profile.
sum=$({ sha256sum || shasum -a 256; } <"$instrumented" | cut -d ' ' -f 1)
profile=$pgo/$target.profdata
if [ ! -f "$profile" ] || [ "$(cat "$pgo/$target.trained" 2>/dev/null)" != "$sum" ]; then
  rm -rf "$pgo/raw-$target"
  # LLVM_PROFILE_FILE (coverage tools set it) would send the counts elsewhere.
  env -u LLVM_PROFILE_FILE bash scripts/pgo-train.sh "$instrumented"
  if ! ls "$pgo/raw-$target"/*.profraw >/dev/null 2>&1; then
    echo "build-pgo: the training wrote no profile to $pgo/raw-$target" >&2
    exit 1
  fi
  "$profdata" merge -o "$profile.new" "$pgo/raw-$target"
  mv "$profile.new" "$profile"
  echo "$sum" >"$pgo/$target.trained"
  echo "build-pgo: trained $profile" >&2
fi

# 3. The release build, optimised with the profile.
RUSTFLAGS="$flags -C profile-use=$profile" \
  cargo build --locked -q --profile dist --target "$target"
