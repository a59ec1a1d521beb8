#!/usr/bin/env bash
# Benchmarks the Microsoft Graph table against its goals:
#   - audit one `api: msgraph` manifest: at most 2x `tokenscope --version` (the ~10,000-endpoint
#     table is compiled to static data at build time: nothing is parsed at start-up, and a run
#     decodes only the chunks of endpoints it uses; the page faults of each run are printed);
#   - resolve 10,000 Graph references (one token calling 100 endpoints, each written 100 ways:
#     concrete ids, mixed case, v1.0/beta URLs): under 50 ms beyond a 100-reference run (which
#     pays for start-up and the table), and linear (2,500 and 5,000 beside it);
#   - `table import msgraph` on the committed 3 MB snapshot: under 1 s.
# Needs hyperfine (Debian package). Prints the measured times and ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null || { echo "bench: needs hyperfine (apt-get install hyperfine)" >&2; exit 3; }
# Built as releases are: --profile dist, static on Linux (see bench-binary.sh).
source scripts/bench-binary.sh

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$bin" --api msgraph table --format json >"$work/table.json"
python3 - "$work" <<'PY'
import json, sys
work = sys.argv[1]
table = json.load(open(f"{work}/table.json"))
# 100 endpoints an app token holding Directory.ReadWrite.All calls, each written many ways:
# concrete ids, capitalised segments, v1.0 and beta URLs. One token, so the audit around the
# references (minimal set, findings) stays small and the references dominate.
eps = [e for e in table["endpoints"]
       if e.get("method") == "GET" and e["path"].startswith("/users/{id}/")][:100]
assert len(eps) == 100, len(eps)
def spell(i, path):
    segs = []
    for s in path.split("/"):
        if s.startswith("{"):
            s = f"u{i}"
        elif i % 3 == 0:
            s = s[:1].upper() + s[1:]
        segs.append(s)
    p = "/".join(segs)
    return f"https://graph.microsoft.com/{'v1.0' if i % 2 else 'beta'}{p}" if i % 4 < 2 else p
for n in (100, 2500, 5000, 10000):
    lines = ["integration: graph-refs", "api: msgraph", "tokens:", "  t:", "    kind: application",
             "    scopes: [Directory.ReadWrite.All]", "    endpoints:"]
    lines += [f'      - "GET {spell(i, eps[i % 100]["path"])}"' for i in range(n)]
    open(f"{work}/refs-{n}.tokenscope.yaml", "w").write("\n".join(lines) + "\n")
PY
# Every reference resolves (no unknown-endpoint finding).
{ "$bin" audit --format json "$work/refs-10000.tokenscope.yaml" || true; } | python3 -c '
import json, sys
doc = json.load(sys.stdin)
rules = {f["rule"] for m in doc["manifests"] for f in m["findings"]}
assert "unknown-endpoint" not in rules, "a reference did not resolve"
print("10,000 references: every one resolved")'

# Start-up, in rounds (see bench-startup.sh).
source scripts/bench-startup.sh
startup "$work/one.json" \
  "$bin --version" \
  "$bin audit examples/msgraph/teams-bot.tokenscope.yaml" \
  "$bin audit examples/msgraph/mail-archiver.tokenscope.yaml"
hyperfine -N --ignore-failure --warmup 3 --runs 30 --export-json "$work/refs.json" \
  "$bin audit --min-severity error $work/refs-100.tokenscope.yaml" \
  "$bin audit --min-severity error $work/refs-2500.tokenscope.yaml" \
  "$bin audit --min-severity error $work/refs-5000.tokenscope.yaml" \
  "$bin audit --min-severity error $work/refs-10000.tokenscope.yaml" >/dev/null
hyperfine -N --warmup 2 --runs 10 --export-json "$work/import.json" \
  "$bin table import msgraph tables/upstream/msgraph/permissions.json" >/dev/null

# Fresh memory is most of a start-up's cost: minor page faults of one run each.
faults() { /usr/bin/time -f %R "$@" 2>&1 >/dev/null | tail -1; }
if [ -x /usr/bin/time ]; then
  echo "page faults: --version $(faults "$bin" --version), Graph audit (archiver) $(faults "$bin" audit examples/msgraph/mail-archiver.tokenscope.yaml || true)"
fi

python3 - "$work/one.json" "$work/refs.json" "$work/import.json" "$(ratio "$work/one.json" 1 0)" "$(ratio "$work/one.json" 2 0)" <<'PY'
import json, sys
one = json.load(open(sys.argv[1]))["results"]
refs = json.load(open(sys.argv[2]))["results"]
imp = json.load(open(sys.argv[3]))["results"][0]["mean"]
version, bot, archiver = (r["mean"] for r in one)
cpu = [r["user"] + r["system"] for r in refs]
r0, r2, r5, r10 = (r["mean"] for r in refs)
print(f"tokenscope --version:                  {version * 1000:7.2f} ms")
print(f"audit one Graph manifest (Teams bot):  {bot * 1000:7.2f} ms  {sys.argv[4]} --version (goal <= 2x)")
print(f"audit one Graph manifest (archiver):   {archiver * 1000:7.2f} ms  {sys.argv[5]} --version (goal <= 2x)")
print(f"audit 100 / 2,500 / 5,000 / 10,000 references: {r0 * 1000:.1f} / {r2 * 1000:.1f} / {r5 * 1000:.1f} / {r10 * 1000:.1f} ms")
print(f"  CPU (user + system):                         {cpu[0] * 1000:.1f} / {cpu[1] * 1000:.1f} / {cpu[2] * 1000:.1f} / {cpu[3] * 1000:.1f} ms")
print(f"  10,000 references beyond the 100-reference run: {(r10 - r0) * 1000:.1f} ms (goal < 50 ms); 10k/5k beyond it = {(r10 - r0) / (r5 - r0):.2f} (linear = 2)")
print(f"table import msgraph (3 MB snapshot):  {imp * 1000:7.2f} ms  (goal < 1 s)")
PY
