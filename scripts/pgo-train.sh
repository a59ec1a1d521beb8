#!/usr/bin/env bash
# The workload a profile-guided build (scripts/build-pgo.sh) learns from:
#
#   scripts/pgo-train.sh BINARY
#
# runs BINARY the way users do: one manifest of every API in every output format, a
# directory of 2,000 realistic manifests (scripts/gen-corpus.py), suggest and diff, scan on
# source trees of every API, explain, table list/check/import on the snapshots in
# tables/upstream, and the usual bad inputs. The live commands (verify, table drift) are left
# out: they need a server. Every run's exit status is checked, so a command that stops working
# fails here instead of quietly training nothing; `.ci/run` runs this with the debug binary.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$#" -ne 1 ] || [ ! -x "$1" ]; then
  echo "usage: $0 BINARY (an executable tokenscope)" >&2
  exit 2
fi
bin=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# `run STATUSES ARGS...`: BINARY ARGS..., which must exit with one of STATUSES (`0`, `01`:
# 0 or 1, that is, with or without findings).
run() {
  local want=$1 got=0
  shift
  "$bin" "$@" >"$work/out" 2>&1 </dev/null || got=$?
  if [[ "$want" != *"$got"* ]]; then
    echo "pgo-train: \`tokenscope $*\` exited $got, expected one of: $want" >&2
    head -n 20 "$work/out" >&2
    exit 1
  fi
}

manifests=(examples/*.tokenscope.yaml examples/*/*.tokenscope.yaml examples/marketing/tokenscope.yaml)

# Start-up paths.
run 0 --version
run 0 --help
run 0 audit --help
run 2 audit --no-such-flag

# One manifest at a time, as pre-commit hooks and CI steps run it: every format.
for format in human json sarif junit markdown github; do
  for m in "${manifests[@]}"; do
    run 01 audit --format "$format" "$m"
  done
done
run 1 audit --color always examples/support-bot.tokenscope.yaml
run 2 audit tests/fixtures/malformed
run 2 audit does/not/exist.tokenscope.yaml

# A directory of realistic manifests, every format.
python3 scripts/gen-corpus.py "$work/corpus" 2000
for format in human json sarif junit markdown github; do
  run 1 audit --format "$format" "$work/corpus"
done

# suggest, --write included (on a copy), and diff.
for m in "${manifests[@]}"; do
  run 01 suggest "$m"
  run 01 suggest --format json "$m"
done
run 0 suggest --split-by-area examples/github/release-bot.tokenscope.yaml
cp examples/github/dependency-updater.tokenscope.yaml "$work/written.tokenscope.yaml"
run 0 suggest --write "$work/written.tokenscope.yaml"
run 0 diff tests/fixtures/diff/old.tokenscope.yaml tests/fixtures/diff/new.tokenscope.yaml

# scan: every API's source trees, reporting and checking against a manifest.
run 0 scan tests/fixtures/scan/app
run 1 scan tests/fixtures/scan/app --manifest tests/fixtures/scan/app.tokenscope.yaml
run 0 scan --format json tests/fixtures/scan/langs
for api in github msgraph google; do
  for tree in tests/fixtures/corpus-apis/"$api"/*/; do
    run 0 scan --api "$api" "$tree"
  done
done

# explain, tables, the rest.
run 0 explain "List all chats"
run 0 --api github explain issues
run 0 table list
run 0 --api msgraph table
run 0 table check tests/fixtures/tables/demo-table.yaml
run 2 table check tests/fixtures/tables/broken-table.yaml
run 0 schema
run 0 completions bash
run 0 table import msgraph tables/upstream/msgraph/permissions.json
run 0 table import google-discovery tables/upstream/google/gmail.v1.json \
  tables/upstream/google/drive.v3.json tables/upstream/google/calendar.v3.json
run 0 table import openapi tables/upstream/datadog/openapi.yaml --profile datadog
run 0 table import github-docs tables/upstream/github-docs/fine-grained-pat-permissions.json \
  tables/upstream/github-docs/server-to-server-permissions.json \
  tables/upstream/github-docs/fine-grained-pat.json
