#!/usr/bin/env bash
# Regenerates tables/github.yaml from the github/docs files in tables/upstream/github-docs/
# (SOURCE.md there says where each comes from). tests/import_github.rs checks that the committed
# table is exactly what this prints, with these arguments.
# TOKENSCOPE=path/to/tokenscope uses that binary instead of building one.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/import-binary.sh
up=tables/upstream/github-docs
"$TOKENSCOPE" table import github-docs \
  "$up/fine-grained-pat-permissions.json" \
  "$up/server-to-server-permissions.json" \
  "$up/fine-grained-pat.json" \
  --commit fine-grained-pat-permissions.json=0a351d98e5f6fd3761558ef3bc4ea55c8813729a \
  --commit server-to-server-permissions.json=02ac71cd67f12f791665800215adb392e5bbea21 \
  --commit fine-grained-pat.json=02b29a7b4b0bcfc669748f52e15db877a531609a \
  --retrieved 2026-11-24 >tables/github.yaml.new
mv tables/github.yaml.new tables/github.yaml
echo "wrote tables/github.yaml" >&2
