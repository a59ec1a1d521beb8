#!/usr/bin/env bash
# Validates tokenscope's SARIF output with Microsoft's SARIF Multitool (from the npm registry).
# Exits non-zero when the validator reports an error or a warning.
set -euo pipefail
cd "$(dirname "$0")/.."

tool_dir=target/sarif-multitool
bin="$tool_dir/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
if [ ! -x "$bin" ]; then
  mkdir -p "$tool_dir"
  if ! npm install --prefix "$tool_dir" --no-audit --no-fund --silent @microsoft/sarif-multitool@5 >/dev/null 2>&1 \
    || [ ! -f "$bin" ]; then
    echo "validate-sarif: could not install @microsoft/sarif-multitool from the npm registry" >&2
    exit 3
  fi
  # npm may skip the package's install script, which only marks the binary executable.
  chmod u+x "$bin"
fi

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cargo run -q -- audit --format sarif examples tests/fixtures/mistakes tests/fixtures/ignores >"$out/findings.sarif" || true
cargo run -q -- audit --format sarif tests/fixtures/malformed >"$out/errors.sarif" || true

for log in findings errors; do
  DOTNET_CLI_TELEMETRY_OPTOUT=1 "$bin" validate "$out/$log.sarif" --output "$out/$log.validation.sarif" \
    --log ForceOverwrite --level Error Warning Note >/dev/null
  # The Multitool silently skips a file it cannot load, so an empty report means failure too:
  # a loaded tokenscope log always earns a few advisory notes (no version control info, ...).
  python3 - "$out/$log.validation.sarif" "$log" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["runs"][0].get("results", [])
bad = [r for r in results if r["level"] in ("error", "warning")]
for r in bad:
    print(f"{sys.argv[2]}.sarif: {r['level']} {r['ruleId']}: {r['message']}")
if not results:
    print(f"{sys.argv[2]}.sarif: the SARIF Multitool could not load the file")
sys.exit(1 if bad or not results else 0)
PY
  echo "SARIF Multitool: $log.sarif is valid"
done
