#!/usr/bin/env bash
# Regenerates tables/google.yaml from the Discovery documents in tables/upstream/google/
# (SOURCE.md there says where they come from). tests/import_google.rs checks that the committed
# table is exactly what this prints, with these arguments.
# TOKENSCOPE=path/to/tokenscope uses that binary instead of building one.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/import-binary.sh
up=tables/upstream/google
"$TOKENSCOPE" table import google-discovery \
  "$up/gmail.v1.json" \
  "$up/drive.v3.json" \
  "$up/calendar.v3.json" \
  --commit gmail.v1.json=81716e96f05f0b949400a439db8117361da87af5 \
  --commit drive.v3.json=81716e96f05f0b949400a439db8117361da87af5 \
  --commit calendar.v3.json=81716e96f05f0b949400a439db8117361da87af5 \
  --title "Google APIs: Gmail v1, Drive v3, Calendar v3" \
  --retrieved 2026-11-24 >tables/google.yaml.new
mv tables/google.yaml.new tables/google.yaml
echo "wrote tables/google.yaml" >&2
