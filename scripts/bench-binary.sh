# Sourced by the benchmark scripts: builds tokenscope as the released binaries are built and
# sets `bin` to it. Releases are built with `--profile dist` (fat LTO, one codegen unit) and,
# on Linux, statically linked (musl); a static binary starts without the dynamic loader, which
# is most of what `--version` costs. The x86_64 Linux release is also profile-guided
# (scripts/build-pgo.sh). On x86_64 Linux with glibc this builds the same way as a static-pie
# glibc binary (`+crt-static`, PGO; BENCH_PGO=0 leaves PGO out, to compare); elsewhere, or
# with BENCH_DYNAMIC=1, the plain `--profile dist` build.
if [ "$(uname -sm)" = "Linux x86_64" ] && [ -z "${BENCH_DYNAMIC:-}" ] && ldd --version 2>&1 | grep -qi 'glibc\|gnu libc'; then
  if [ "${BENCH_PGO:-1}" = 0 ]; then
    RUSTFLAGS="-C target-feature=+crt-static" cargo build --profile dist -q --target x86_64-unknown-linux-gnu
    echo "binary: the dist profile, static (x86_64-unknown-linux-gnu, +crt-static), no PGO" >&2
  else
    RUSTFLAGS="-C target-feature=+crt-static" bash scripts/build-pgo.sh x86_64-unknown-linux-gnu
    echo "binary: the dist profile, static (x86_64-unknown-linux-gnu, +crt-static), PGO" >&2
  fi
  bin=$PWD/target/x86_64-unknown-linux-gnu/dist/tokenscope
else
  cargo build --profile dist -q
  bin=$PWD/target/dist/tokenscope
  echo "binary: the dist profile" >&2
fi
