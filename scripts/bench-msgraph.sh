#!/usr/bin/env bash
# Benchmarks the Microsoft Graph table against its goals (a `--release` build):
#   - audit one `api: msgraph` manifest: at most 2x `tokenscope --version` (the ~10,000-endpoint
#     table is compiled to static data at build time: nothing is parsed at start-up);
#   - resolve 10,000 Graph references (one manifest, 2,000 tokens of 5 endpoints each, paths in
#     mixed case and as v1.0/beta URLs): under 50 ms, and linear (5,000 and 20,000 beside it);
#   - `table import msgraph` on the committed 3 MB snapshot: under 1 s.
# Needs hyperfine (Debian package). Prints the measured times and ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null || { echo "bench: needs hyperfine (apt-get install hyperfine)" >&2; exit 3; }
cargo build --release -q
bin=$PWD/target/release/tokenscope

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$bin" --api msgraph table --format json >"$work/table.json"
python3 - "$work" <<'PY'
import json, sys
work = sys.argv[1]
table = json.load(open(f"{work}/table.json"))
eps = [e for e in table["endpoints"] if e.get("method") and e.get("path")]
def spell(i, path):
    # What people write: camelCase-ish segments, concrete ids, full URLs.
    segs = [s if s.startswith("{") else (s[:1].upper() + s[1:] if i % 3 == 0 else s) for s in path.split("/")]
    segs = [f"id{i}" if s.startswith("{") and i % 2 else s for s in segs]
    p = "/".join(segs)
    return (f"https://graph.microsoft.com/{'v1.0' if i % 4 == 0 else 'beta'}{p}" if i % 4 < 2 else p)
for n in (5000, 10000, 20000):
    lines = ["integration: graph-refs", "api: msgraph", "tokens:"]
    for t in range(n // 5):
        lines += [f"  t{t}:", "    kind: delegated-work", "    scopes: [User.Read]", "    endpoints:"]
        for k in range(5):
            i = t * 5 + k
            e = eps[(i * 7919) % len(eps)]
            lines.append(f'      - "{e["method"]} {spell(i, e["path"])}"')
    open(f"{work}/refs-{n}.tokenscope.yaml", "w").write("\n".join(lines) + "\n")
PY
# Every reference resolves (no unknown-endpoint finding; the tokens lack scopes, so exit 1).
{ "$bin" audit --format json "$work/refs-10000.tokenscope.yaml" || true; } | python3 -c '
import json, sys
doc = json.load(sys.stdin)
rules = {f["rule"] for m in doc["manifests"] for f in m["findings"]}
assert "unknown-endpoint" not in rules, "a reference did not resolve"
print("10,000 references: every one resolved")'

hyperfine -N --warmup 20 --runs 300 --export-json "$work/one.json" \
  "$bin --version" \
  "$bin audit examples/msgraph/teams-bot.tokenscope.yaml" \
  "$bin audit examples/msgraph/mail-archiver.tokenscope.yaml" >/dev/null
hyperfine -N --ignore-failure --warmup 3 --runs 20 --export-json "$work/refs.json" \
  "$bin audit --format json $work/refs-5000.tokenscope.yaml" \
  "$bin audit --format json $work/refs-10000.tokenscope.yaml" \
  "$bin audit --format json $work/refs-20000.tokenscope.yaml" >/dev/null
hyperfine -N --warmup 2 --runs 10 --export-json "$work/import.json" \
  "$bin table import msgraph tables/upstream/msgraph/permissions.json" >/dev/null

python3 - "$work/one.json" "$work/refs.json" "$work/import.json" <<'PY'
import json, sys
one = json.load(open(sys.argv[1]))["results"]
refs = json.load(open(sys.argv[2]))["results"]
imp = json.load(open(sys.argv[3]))["results"][0]["mean"]
version, bot, archiver = (r["mean"] for r in one)
r5, r10, r20 = (r["mean"] for r in refs)
print(f"tokenscope --version:                  {version * 1000:7.2f} ms")
print(f"audit one Graph manifest (Teams bot):  {bot * 1000:7.2f} ms  {bot / version:5.2f}x --version (goal <= 2x)")
print(f"audit one Graph manifest (archiver):   {archiver * 1000:7.2f} ms  {archiver / version:5.2f}x --version (goal <= 2x)")
print(f"audit 10,000 Graph references:         {r10 * 1000:7.2f} ms  (goal < 50 ms)")
print(f"  5,000 / 20,000 references:           {r5 * 1000:7.2f} / {r20 * 1000:.2f} ms  (20k/10k = {r20 / r10:.2f}, linear = 2)")
print(f"table import msgraph (3 MB snapshot):  {imp * 1000:7.2f} ms  (goal < 1 s)")
PY
