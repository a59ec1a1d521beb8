#!/usr/bin/env bash
# Benchmarks `tokenscope scan` against ripgrep on a large tree: every crate source cargo has
# downloaded, plus planted Texter calls; then a tree of minified bundles and source maps (three
# npm packages). Prints both wall times, the ratio (goal: <= 1.5), scan's peak memory on the
# bundles (goal: <= 100 MiB) and checks that every planted call was found.
# Needs: cargo, rg (ripgrep), hyperfine (both from Debian's packages).
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in rg hyperfine; do
  command -v "$tool" >/dev/null || { echo "bench-scan: needs $tool (apt-get install ripgrep hyperfine)" >&2; exit 3; }
done
# Built as releases are: --profile dist, static on Linux (see bench-binary.sh).
source scripts/bench-binary.sh

registry="${CARGO_HOME:-$HOME/.cargo}/registry/src"
tree=$(mktemp -d)
trap 'rm -rf "$tree"' EXIT
cp -r "$registry" "$tree/crates"
# Planted calls: one file per endpoint spelling, spread through the tree.
planted=0
for dir in $(find "$tree/crates" -mindepth 2 -maxdepth 2 -type d | sort | head -50); do
  planted=$((planted + 1))
  cat >"$dir/texter_client_$planted.js" <<JS
const TEXTER_BASE = "https://acme.texterchat.com/server/api/v2";
export const send$planted = (body) => axios.post(\`\${TEXTER_BASE}/whatsapp/templates/send\`, body);
export const find$planted = (q) => fetch(TEXTER_BASE + "/chats/search?search=" + q);
JS
done
files=$(find "$tree" -type f | wc -l)
size=$(du -sh "$tree" | cut -f1)
echo "tree: $files files, $size; $planted files with 2 planted calls each"

found=$("$bin" scan --format json --no-ignore "$tree" | python3 -c '
import json, sys
doc = json.load(sys.stdin)
planted = [o for e in doc["endpoints"] if e["name"] in ("Send Template Message", "Search Chats")
           for o in e["occurrences"] if "texter_client_" in o["file"]]
print(len(planted))')
echo "planted calls found: $found of $((planted * 2))"
[ "$found" -eq $((planted * 2)) ] || { echo "bench-scan: planted calls were missed" >&2; exit 1; }

# ripgrep searches the same literals scan's prefilter uses: the Texter markers, every table
# path's first segment and every literal tail of a table path.
pattern=$("$bin" table --format json | python3 -c '
import json, sys
literals = {"texter", "Texter", "TEXTER", "/server/api/v2"}
for ep in json.load(sys.stdin)["endpoints"]:
    segs = [s for s in (ep.get("path") or "").split("/") if s]
    for i, s in enumerate(segs):
        if s.startswith("{"):
            continue
        tail = []
        for t in segs[i:]:
            if t.startswith("{"):
                break
            tail.append(t)
        literals.add("/" + "/".join(tail) if i else "/" + s)
print("|".join(sorted(literals)))')
# Also against a shorter pattern (markers and first segments only), which ripgrep runs faster.
# scan reads hidden files by default (CI workflows call APIs), so ripgrep does too: --hidden.
short='texter|Texter|TEXTER|/server/api/v2|/chats|/labels|/whatsapp|/messages|/files|/quick-replies|/scenarios'
hyperfine --warmup 2 --runs 10 --export-json "$tree/bench.json" \
  "rg --hidden --no-ignore -c -e '$pattern' $tree" \
  "rg --hidden --no-ignore -c -e '$short' $tree" \
  "$bin scan --no-ignore --quiet --format json $tree" >/dev/null
python3 - "$tree/bench.json" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
same, short, scan = (r["mean"] for r in results)
print(f"rg, same literals as scan:  {same * 1000:8.1f} ms")
print(f"rg, 11 literals:            {short * 1000:8.1f} ms")
print(f"tokenscope scan:            {scan * 1000:8.1f} ms")
print(f"ratio to the faster rg:     {scan / min(same, short):8.2f}x (goal <= 1.5x)")
PY

# The same tree scanned for GitHub calls: a table of about 1,000 paths (a prefilter of a few
# thousand literals instead of a few dozen) plus the Octokit and `gh api` finders.
hyperfine --warmup 1 --runs 5 --export-json "$tree/github.json" \
  "$bin --api github scan --no-ignore --quiet --format json $tree" >/dev/null
python3 - "$tree/bench.json" "$tree/github.json" <<'PY'
import json, sys
same, short, _ = (r["mean"] for r in json.load(open(sys.argv[1]))["results"])
github = json.load(open(sys.argv[2]))["results"][0]["mean"]
print(f"tokenscope scan --api github: {github * 1000:6.1f} ms  {github / min(same, short):5.2f}x the faster rg")
PY

# A tree of minified bundles and source maps (single lines of 1-2 MB), as a committed `dist/`
# or a vendored `next/dist/compiled` holds: three npm packages at pinned versions. Skipped when
# npm or its registry is unavailable.
bundles="$tree/bundles"
mkdir -p "$bundles"
if command -v npm >/dev/null &&
  (cd "$bundles" && timeout 300 npm pack --silent next@16.4.6 echarts@6.1.0 @babel/standalone@7.29.13 >/dev/null 2>&1); then
  for f in "$bundles"/*.tgz; do
    mkdir -p "${f%.tgz}" && tar xzf "$f" -C "${f%.tgz}" && rm "$f"
  done
  echo "bundles: $(find "$bundles" -type f | wc -l) files, $(du -sh "$bundles" | cut -f1)"
  hyperfine --warmup 2 --runs 10 --export-json "$tree/bundles.json" \
    "rg --hidden --no-ignore -c -e '$pattern' $bundles" \
    "$bin scan --no-ignore --quiet --format json $bundles" >/dev/null
  peak=$( { /usr/bin/time -f '%M' "$bin" scan --no-ignore --quiet --format json "$bundles" >/dev/null; } 2>&1 | tail -1 )
  python3 - "$tree/bundles.json" "$peak" <<'PY'
import json, sys
same, scan = (r["mean"] for r in json.load(open(sys.argv[1]))["results"])
print(f"bundles, rg (same literals): {same * 1000:8.1f} ms")
print(f"bundles, tokenscope scan:    {scan * 1000:8.1f} ms  {scan / same:5.2f}x (goal <= 1.5x)")
print(f"bundles, scan peak memory:   {int(sys.argv[2]) / 1024:8.1f} MiB (goal <= 100 MiB)")
PY
else
  echo "bundles: skipped (npm or its registry is unavailable)"
fi
