#!/usr/bin/env bash
# Benchmarks the Google and Datadog tables against their goals:
#   - `table import google-discovery` on the three Discovery documents and `table import openapi
#     --profile datadog` on Datadog's 1.7 MB YAML document: reported (they run once, by
#     scripts/import-google.sh and scripts/import-datadog.sh);
#   - audit one `api: google` and one `api: datadog` manifest (the examples): at most 2x
#     `tokenscope --version` (built-in tables are compiled to static data at build time, so
#     nothing is parsed at start-up).
# Measures the `dist` profile the released binaries are built with (PROFILE=release for a
# quicker build). Needs hyperfine (Debian package). Prints the measured times and ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null || { echo "bench: needs hyperfine (apt-get install hyperfine)" >&2; exit 3; }
if [ "${PROFILE:-dist}" = dist ]; then
  # Built as releases are: --profile dist, static on Linux (see bench-binary.sh).
  source scripts/bench-binary.sh
else
  cargo build --profile "$PROFILE" -q
  bin=$PWD/target/$PROFILE/tokenscope
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
google=(tables/upstream/google/gmail.v1.json tables/upstream/google/drive.v3.json tables/upstream/google/calendar.v3.json)
datadog=tables/upstream/datadog/openapi.yaml

hyperfine -N --warmup 3 --runs 20 --export-json "$work/import.json" \
  "$bin --quiet table import google-discovery ${google[*]}" \
  "$bin --quiet table import openapi $datadog --profile datadog" >/dev/null
# Start-up, in rounds (see bench-startup.sh).
source scripts/bench-startup.sh
startup "$work/one.json" \
  "$bin --version" \
  "$bin audit examples/google/calendar-sync.tokenscope.yaml" \
  "$bin audit examples/datadog/dashboard-reporter.tokenscope.yaml" \
  "$bin audit examples/crm-sync.tokenscope.yaml"

python3 - "$work/import.json" "$work/one.json" "${PROFILE:-dist}" "$(ratio "$work/one.json" 1 0)" "$(ratio "$work/one.json" 2 0)" "$(ratio "$work/one.json" 3 0)" <<'PY'
import json, sys
imports = json.load(open(sys.argv[1]))["results"]
one = json.load(open(sys.argv[2]))["results"]
google, datadog = (r["mean"] for r in imports)
version, g, d, texter = (r["mean"] for r in one)
print(f"profile: {sys.argv[3]}")
print(f"import google-discovery (3 documents, 550 KB): {google * 1000:7.1f} ms")
print(f"import openapi --profile datadog (1.7 MB):     {datadog * 1000:7.1f} ms")
print(f"tokenscope --version:                          {version * 1000:7.2f} ms")
print(f"audit one Google manifest:                     {g * 1000:7.2f} ms  {sys.argv[4]} --version (goal <= 2x)")
print(f"audit one Datadog manifest:                    {d * 1000:7.2f} ms  {sys.argv[5]} --version (goal <= 2x)")
print(f"audit one Texter manifest:                     {texter * 1000:7.2f} ms  {sys.argv[6]} --version")
PY
