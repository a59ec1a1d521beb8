# Sourced by the benchmark scripts: builds tokenscope as the released binaries are built and
# sets `bin` to it. Releases are built with `--profile dist` (fat LTO, one codegen unit) and,
# on Linux, statically linked (musl); a static binary starts without the dynamic loader, which
# is most of what `--version` costs. The x86_64 Linux release is also profile-guided
# (scripts/build-pgo.sh).
#
# On x86_64 Linux with glibc this builds the same way as a static-pie glibc binary
# (`+crt-static`, PGO), which needs nothing beyond the toolchain.
# BENCH_TARGET=x86_64-unknown-linux-musl builds the release's own target instead (it needs
# `rustup target add x86_64-unknown-linux-musl` and musl-gcc, from Debian's musl-tools).
# BENCH_PGO=0 leaves PGO out, to compare. Elsewhere, or with BENCH_DYNAMIC=1, the plain
# `--profile dist` build.
if [ "$(uname -sm)" = "Linux x86_64" ] && [ -z "${BENCH_DYNAMIC:-}" ] && ldd --version 2>&1 | grep -qi 'glibc\|gnu libc'; then
  target=${BENCH_TARGET:-x86_64-unknown-linux-gnu}
  case "$target" in
    x86_64-unknown-linux-gnu) static="-C target-feature=+crt-static" ;;
    x86_64-unknown-linux-musl) static="" ;;
    *) echo "bench: BENCH_TARGET is x86_64-unknown-linux-gnu or x86_64-unknown-linux-musl" >&2; exit 2 ;;
  esac
  if [ "${BENCH_PGO:-1}" = 0 ]; then
    RUSTFLAGS="$static" cargo build --profile dist -q --target "$target"
    echo "binary: the dist profile, static ($target), no PGO" >&2
  else
    RUSTFLAGS="$static" bash scripts/build-pgo.sh "$target"
    echo "binary: the dist profile, static ($target), PGO" >&2
  fi
  bin=$PWD/target/$target/dist/tokenscope
else
  cargo build --profile dist -q
  bin=$PWD/target/dist/tokenscope
  echo "binary: the dist profile" >&2
fi
