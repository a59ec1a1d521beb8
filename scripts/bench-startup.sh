# Sourced by the benchmark scripts. `startup OUT CMD...` times short commands (one manifest,
# `--version`) on a machine whose speed wanders: a shared VM's can move by 20% from one minute
# to the next, more than the differences measured. So every command runs in each of ROUNDS
# rounds (default 10; 40 runs each, in turn), and OUT gets hyperfine's shape — `results`, one
# per command, with `mean` the median of its rounds' means — plus `rounds`, every round's means,
# from which a ratio is taken round by round (see `ratio`).
startup() {
  local out=$1 rounds=${ROUNDS:-10} dir r
  shift
  dir=$(mktemp -d)
  for r in $(seq "$rounds"); do
    hyperfine -N --ignore-failure --warmup 5 --runs 40 --export-json "$dir/$r.json" "$@" >/dev/null 2>&1
  done
  python3 - "$dir" "$rounds" "$out" <<'PY'
import json, statistics, sys
d, rounds, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
runs = [[r["mean"] for r in json.load(open(f"{d}/{i}.json"))["results"]] for i in range(1, rounds + 1)]
results = [{"mean": statistics.median(r[c] for r in runs)} for c in range(len(runs[0]))]
json.dump({"results": results, "rounds": runs}, open(out, "w"))
PY
  rm -rf "$dir"
}

# `ratio OUT A B`: the median over the rounds of command A's time over command B's (0-based
# positions in OUT), and the range, as `1.23x (1.18x-1.31x over 10 rounds)`.
ratio() {
  python3 - "$@" <<'PY'
import json, statistics, sys
rounds = json.load(open(sys.argv[1]))["rounds"]
a, b = int(sys.argv[2]), int(sys.argv[3])
r = [x[a] / x[b] for x in rounds]
print(f"{statistics.median(r):.2f}x ({min(r):.2f}x-{max(r):.2f}x over {len(r)} rounds)")
PY
}
