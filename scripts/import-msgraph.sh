#!/usr/bin/env bash
# Regenerates tables/msgraph.yaml from Microsoft Graph's permissions.json in
# tables/upstream/msgraph/ (SOURCE.md there says where it comes from). tests/import_msgraph.rs
# checks that the committed table is exactly what this prints, with these arguments.
# TOKENSCOPE=path/to/tokenscope uses that binary instead of building one.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/import-binary.sh
up=tables/upstream/msgraph
"$TOKENSCOPE" table import msgraph "$up/permissions.json" \
  --commit permissions.json=6cbd6bbd665a877560fdefbad74f3bdb5b57af88 \
  --retrieved 2026-11-24 >tables/msgraph.yaml.new
mv tables/msgraph.yaml.new tables/msgraph.yaml
echo "wrote tables/msgraph.yaml" >&2
