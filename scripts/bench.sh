#!/usr/bin/env bash
# Benchmarks audit against its goals:
#   - 10,000 manifests: at most 4x the time of reading them with `cat`, peak memory < 100 MiB;
#   - one manifest: at most 1.5x the time of `tokenscope --version`.
# Needs hyperfine (Debian package). Prints the measured times and ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null || { echo "bench: needs hyperfine (apt-get install hyperfine)" >&2; exit 3; }
cargo build --release -q
bin=$PWD/target/release/tokenscope

corpus=$(mktemp -d)
trap 'rm -rf "$corpus"' EXIT
# A realistic mix: the three examples (one clean, one with findings of every kind, one with
# several tokens), 10,000 manifests in 100 directories.
examples=(examples/crm-sync.tokenscope.yaml examples/support-bot.tokenscope.yaml examples/marketing/tokenscope.yaml)
for d in $(seq 0 99); do
  mkdir -p "$corpus/team$d"
  for i in $(seq 0 99); do
    cp "${examples[$(( (d * 100 + i) % 3 ))]}" "$corpus/team$d/svc$i.tokenscope.yaml"
  done
done
echo "corpus: $(find "$corpus" -name '*.yaml' | wc -l) manifests, $(du -sh "$corpus" | cut -f1)"

hyperfine --ignore-failure --warmup 2 --runs 10 --export-json "$corpus/many.json" \
  "find $corpus -name '*.yaml' -exec cat {} + > /dev/null" \
  "$bin audit --quiet $corpus > /dev/null" \
  "$bin audit --format json $corpus > /dev/null" >/dev/null
hyperfine -N --warmup 20 --runs 300 --export-json "$corpus/one.json" \
  "$bin --version" \
  "$bin audit examples/crm-sync.tokenscope.yaml" >/dev/null

peak=$( { /usr/bin/time -f '%M' "$bin" audit "$corpus" >/dev/null || true; } 2>&1 | tail -1 )

python3 - "$corpus/many.json" "$corpus/one.json" "$peak" <<'PY'
import json, sys
many = json.load(open(sys.argv[1]))["results"]
one = json.load(open(sys.argv[2]))["results"]
cat, human, js = (r["mean"] for r in many)
version, single = (r["mean"] for r in one)
print(f"cat 10,000 manifests:        {cat * 1000:8.1f} ms")
print(f"audit (human), 10,000:       {human * 1000:8.1f} ms   {human / cat:5.2f}x cat (goal <= 4x)")
print(f"audit --format json, 10,000: {js * 1000:8.1f} ms   {js / cat:5.2f}x cat (goal <= 4x)")
print(f"peak memory, 10,000:         {int(sys.argv[3]) / 1024:8.1f} MiB  (goal < 100 MiB)")
print(f"tokenscope --version:        {version * 1000:8.2f} ms")
print(f"audit one manifest:          {single * 1000:8.2f} ms   {single / version:5.2f}x --version (goal <= 1.5x)")
PY
