#!/usr/bin/env bash
# Benchmarks the GitHub table against its goals:
#   - audit one `api: github` manifest: at most 1.5x `tokenscope --version` (the built-in table is
#     compiled to static data at build time, so nothing is parsed at start-up);
#   - the minimal set for a token calling 300 GitHub endpoints: under 50 ms, exact (the whole
#     `suggest` run, table loading included). Two tokens: 300 endpoints spread over the table, and
#     300 that include every endpoint with alternatives (the hard part of the hitting set).
# Needs hyperfine (Debian package). Prints the measured times and ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null || { echo "bench: needs hyperfine (apt-get install hyperfine)" >&2; exit 3; }
# Built as releases are: --profile dist, static on Linux (see bench-binary.sh).
source scripts/bench-binary.sh

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$bin" --api github table --format json >"$work/table.json"
python3 - "$work" <<'PY'
import json, sys
work = sys.argv[1]
table = json.load(open(f"{work}/table.json"))
# Endpoints a fine-grained token can call, in table order.
eps = [e for e in table["endpoints"]
       if e.get("method") and e.get("path") and e.get("requires") != []]
alternatives = [e for e in eps if len(e.get("requires") or []) > 1]
spread = eps[::3][:300]
hard = (alternatives + [e for e in eps if e not in alternatives][::3])[:300]
for name, pick in (("spread", spread), ("alternatives", hard)):
    lines = ["integration: big-github-app", "api: github", "tokens:", "  app:",
             "    kind: fine-grained-pat", "    scopes:", "      - contents:write",
             "      - issues:write", "      - pull_requests:read", "    endpoints:"]
    lines += [f'      - "{e["method"]} {e["path"]}"' for e in pick]
    assert len(pick) == 300, len(pick)
    open(f"{work}/{name}.tokenscope.yaml", "w").write("\n".join(lines) + "\n")
PY

for name in spread alternatives; do
  "$bin" suggest --format json "$work/$name.tokenscope.yaml" | python3 -c '
import json, sys
token = json.load(sys.stdin)["manifests"][0]["tokens"][0]
assert token.get("proven", True), "the minimal set was not proven"
print("'"$name"': minimal set of %d scopes, proven minimal" % len(token["minimal_scopes"]))'
done

# Start-up, in rounds (see bench-startup.sh).
source scripts/bench-startup.sh
startup "$work/one.json" \
  "$bin --version" \
  "$bin audit examples/github/release-bot.tokenscope.yaml" \
  "$bin audit examples/crm-sync.tokenscope.yaml"
hyperfine -N --ignore-failure --warmup 5 --runs 50 --export-json "$work/big.json" \
  "$bin suggest $work/spread.tokenscope.yaml" \
  "$bin suggest $work/alternatives.tokenscope.yaml" >/dev/null

python3 - "$work/one.json" "$work/big.json" "$(ratio "$work/one.json" 1 0)" "$(ratio "$work/one.json" 2 0)" <<'PY'
import json, sys
one = json.load(open(sys.argv[1]))["results"]
big = json.load(open(sys.argv[2]))["results"]
version, github, texter = (r["mean"] for r in one)
spread, alternatives = (r["mean"] for r in big)
print(f"tokenscope --version:                 {version * 1000:7.2f} ms")
print(f"audit one GitHub manifest:            {github * 1000:7.2f} ms  {sys.argv[3]} --version (goal <= 1.5x)")
print(f"audit one Texter manifest:            {texter * 1000:7.2f} ms  {sys.argv[4]} --version")
print(f"suggest, 300 endpoints spread:        {spread * 1000:7.2f} ms  (goal < 50 ms, exact)")
print(f"suggest, 300 with every alternative:  {alternatives * 1000:7.2f} ms  (goal < 50 ms, exact)")
PY
