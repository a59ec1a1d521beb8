#!/usr/bin/env bash
# Packs one built binary into the archive a GitHub release ships for its target:
#
#   scripts/package-release.sh TARGET BINARY OUT_DIR
#
# writes OUT_DIR/tokenscope-TARGET.zip for Windows targets, OUT_DIR/tokenscope-TARGET.tar.gz
# for the others, each holding one directory tokenscope-TARGET/ with the binary, the README and
# both licences. The names carry no version, so the newest release's archive is always at
# releases/latest/download/tokenscope-TARGET.tar.gz; scripts/install-release.sh reads them.
# The release workflow (.github/workflows/release.yml) runs this on every platform it builds
# on, so it needs only bash, tar and gzip, plus zip, 7z or PowerShell for a .zip.
set -euo pipefail

if [ "$#" -ne 3 ]; then
  echo "usage: $0 TARGET BINARY OUT_DIR" >&2
  exit 2
fi
target=$1
binary=$2
out_dir=$3
root=$(cd "$(dirname "$0")/.." && pwd)

case "$target" in
  "" | */* | .*)
    echo "package-release: not a target name: '$target'" >&2
    exit 2
    ;;
esac
if [ ! -f "$binary" ]; then
  echo "package-release: no binary at $binary" >&2
  exit 2
fi

name="tokenscope-$target"
case "$target" in
  *windows*) exe=tokenscope.exe archive="$name.zip" ;;
  *) exe=tokenscope archive="$name.tar.gz" ;;
esac

# A path as Windows programs (7z, PowerShell) read it, under Git Bash; unchanged elsewhere.
native() {
  if command -v cygpath >/dev/null; then cygpath --windows "$1"; else printf '%s\n' "$1"; fi
}

mkdir -p "$out_dir"
out_dir=$(cd "$out_dir" && pwd)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

mkdir "$stage/$name"
cp "$binary" "$stage/$name/$exe"
chmod 755 "$stage/$name/$exe"
cp "$root/README.md" "$root/LICENSE-MIT" "$root/LICENSE-APACHE" "$stage/$name/"

rm -f "$out_dir/$archive"
case "$archive" in
  *.zip)
    if command -v zip >/dev/null; then
      (cd "$stage" && zip -qr "$out_dir/$archive" "$name")
    elif command -v 7z >/dev/null; then
      (cd "$stage" && 7z a -tzip -bso0 -bsp0 "$(native "$out_dir/$archive")" "$name")
    else
      # Windows runners always have PowerShell; paths go through the environment, not the code.
      # shellcheck disable=SC2016 # PowerShell, not bash, expands $env:...
      (cd "$stage" && ARCHIVE_SOURCE="$name" ARCHIVE_DEST=$(native "$out_dir/$archive") \
        pwsh -NoProfile -Command 'Compress-Archive -Path $env:ARCHIVE_SOURCE -DestinationPath $env:ARCHIVE_DEST')
    fi
    ;;
  *)
    # Owner and group ids are of no use to whoever unpacks the archive.
    tar_flags=()
    if tar --version 2>/dev/null | grep -q 'GNU tar'; then
      tar_flags=(--owner=0 --group=0 --numeric-owner)
    fi
    (cd "$stage" && tar ${tar_flags[@]+"${tar_flags[@]}"} -czf "$out_dir/$archive" "$name")
    ;;
esac

echo "$out_dir/$archive"
