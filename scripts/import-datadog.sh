#!/usr/bin/env bash
# Regenerates tables/datadog.yaml from Datadog's OpenAPI document in tables/upstream/datadog/
# (SOURCE.md there says where it comes from). tests/import_datadog.rs checks that the committed
# table is exactly what this prints, with these arguments.
# TOKENSCOPE=path/to/tokenscope uses that binary instead of building one.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/import-binary.sh
up=tables/upstream/datadog
"$TOKENSCOPE" table import openapi "$up/openapi.yaml" \
  --profile datadog \
  --commit openapi.yaml=286b280580affbd5de0ec698a94cc48a29756927 \
  --retrieved 2026-11-24 >tables/datadog.yaml.new
mv tables/datadog.yaml.new tables/datadog.yaml
echo "wrote tables/datadog.yaml" >&2
