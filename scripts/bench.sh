#!/usr/bin/env bash
# Benchmarks audit against its goals:
#   - realistic manifests (scripts/gen-corpus.py: ~1.7 KB, two tokens, every reference spelling,
#     ~15 findings each) at 1,000 / 10,000 / 100,000 (SIZES="..." to choose): time against
#     reading them with `cat`, human and JSON output, and peak memory in every format;
#   - the three examples copied to 10,000 manifests (the corpus of the first benchmarks);
#   - one manifest against `tokenscope --version`, and `--version` against /bin/true.
# Needs hyperfine (Debian package). Prints the measured times and ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null || { echo "bench: needs hyperfine (apt-get install hyperfine)" >&2; exit 3; }
# Built as releases are: --profile dist, static on Linux (see bench-binary.sh).
source scripts/bench-binary.sh
sizes=${SIZES:-1000 10000 100000}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Times: cat, audit (human), audit --format json. Peak memory: every format.
measure() { # NAME DIR RUNS
  local name=$1 dir=$2 runs=$3
  hyperfine --ignore-failure --warmup 1 --runs "$runs" --export-json "$work/$name.json" \
    "find $dir -name '*.yaml' -exec cat {} + > /dev/null" \
    "$bin audit --quiet $dir > /dev/null" \
    "$bin audit --format json $dir > /dev/null" >/dev/null 2>&1
  : >"$work/$name.mem"
  for format in human json sarif junit markdown github; do
    /usr/bin/time -o "$work/peak" -f '%M' "$bin" audit --format "$format" "$dir" >/dev/null 2>&1 || true
    echo "$format $(tail -1 "$work/peak")" >>"$work/$name.mem"
  done
}

report() { # NAME LABEL GOAL
  python3 - "$work/$1.json" "$work/$1.mem" "$2" "$3" <<'PY'
import json, sys
cat, human, js = (r["mean"] for r in json.load(open(sys.argv[1]))["results"])
mem = dict(line.split() for line in open(sys.argv[2]))
label, goal = sys.argv[3], sys.argv[4]
print(f"{label}")
print(f"  cat:                 {cat * 1000:9.1f} ms")
print(f"  audit (human):       {human * 1000:9.1f} ms  {human / cat:5.2f}x cat (goal <= {goal}x)")
print(f"  audit --format json: {js * 1000:9.1f} ms  {js / cat:5.2f}x cat (goal <= {goal}x)")
print("  peak memory (MiB):   " + ", ".join(f"{k} {int(v) / 1024:.0f}" for k, v in mem.items())
      + " (goal <= 100)")
PY
}

for n in $sizes; do
  python3 scripts/gen-corpus.py "$work/real$n" "$n"
  runs=10; [ "$n" -ge 100000 ] && runs=3
  measure "real$n" "$work/real$n" "$runs"
  report "real$n" "realistic corpus, $n manifests ($(du -sh --apparent-size "$work/real$n" | cut -f1)):" 3
  rm -rf "$work/real$n"
done

# The examples corpus: one clean manifest, one with findings of every kind, one with several
# tokens, copied to 10,000 manifests in 100 directories.
examples=(examples/crm-sync.tokenscope.yaml examples/support-bot.tokenscope.yaml examples/marketing/tokenscope.yaml)
for d in $(seq 0 99); do
  mkdir -p "$work/examples/team$d"
  for i in $(seq 0 99); do
    cp "${examples[$(( (d * 100 + i) % 3 ))]}" "$work/examples/team$d/svc$i.tokenscope.yaml"
  done
done
measure examples "$work/examples" 10
report examples "examples corpus, 10,000 manifests:" 4

# Start-up, in rounds (see bench-startup.sh).
source scripts/bench-startup.sh
startup "$work/one.json" \
  "/bin/true" \
  "$bin --version" \
  "$bin audit examples/crm-sync.tokenscope.yaml"
python3 - "$work/one.json" "$(ratio "$work/one.json" 2 1)" <<'PY'
import json, sys
true, version, single = (r["mean"] for r in json.load(open(sys.argv[1]))["results"])
print(f"/bin/true:                {true * 1000:6.2f} ms")
print(f"tokenscope --version:     {version * 1000:6.2f} ms  (+{(version - true) * 1000:.2f} ms; goal <= +1 ms)")
print(f"audit one manifest:       {single * 1000:6.2f} ms  {sys.argv[2]} --version (goal <= 1.3x)")
PY
