# Sourced by the import scripts: sets `TOKENSCOPE` to the binary that imports, a debug build
# of this checkout unless `TOKENSCOPE=path/to/tokenscope` names one already.
if [ -z "${TOKENSCOPE:-}" ]; then
  cargo build --quiet
  TOKENSCOPE=target/debug/tokenscope
fi
