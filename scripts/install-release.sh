#!/usr/bin/env bash
# Installs a prebuilt tokenscope from the project's GitHub releases, with no Rust toolchain:
#
#   scripts/install-release.sh [VERSION [DIR]]
#
# VERSION is `latest` (the default), `0.2.0` or `v0.2.0`; DIR is where the binary goes (default
# ~/.local/bin). It picks the archive for this machine (Linux x86_64/aarch64, static musl
# builds; macOS x86_64/arm64; Windows x86_64 under Git Bash), downloads it with the release's
# SHA256SUMS, refuses it unless its SHA-256 is the one listed, unpacks it and prints the
# installed binary's path. Messages go to stderr.
#
# The GitHub Action (action.yml) and the `tokenscope-prebuilt` pre-commit hook install through
# this script. Environment:
#   TOKENSCOPE_RELEASES_URL  where releases are (default
#                            https://github.com/tokenscope/tokenscope/releases); a mirror laid
#                            out the same way (latest/download/FILE, download/vX.Y.Z/FILE), or a
#                            file:// directory, for testing
#   TOKENSCOPE_TARGET        the archive's target, when this machine's cannot be guessed
#
# The checksum guards against a truncated or altered download; it comes from the same release,
# so it trusts whoever can publish releases, as downloading any binary from them does.
set -euo pipefail

version=${1:-latest}
dir=${2:-${HOME:?}/.local/bin}
releases=${TOKENSCOPE_RELEASES_URL:-https://github.com/tokenscope/tokenscope/releases}
releases=${releases%/}

say() { printf 'install-release: %s\n' "$*" >&2; }
die() {
  say "$*"
  exit 1
}

case "$version" in
  latest) tag=latest ;;
  v[0-9]*) tag=$version ;;
  [0-9]*) tag=v$version ;;
  *) die "not a version: '$version' (latest, 0.2.0 or v0.2.0)" ;;
esac
if ! [[ $tag =~ ^(latest|v[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.+-]+)?)$ ]]; then
  die "not a version: '$version' (latest, 0.2.0 or v0.2.0)"
fi

target=${TOKENSCOPE_TARGET:-}
if [ -z "$target" ]; then
  os=$(uname -s)
  arch=$(uname -m)
  case "$os/$arch" in
    Linux/x86_64 | Linux/amd64) target=x86_64-unknown-linux-musl ;;
    Linux/aarch64 | Linux/arm64) target=aarch64-unknown-linux-musl ;;
    Darwin/x86_64) target=x86_64-apple-darwin ;;
    Darwin/arm64 | Darwin/aarch64) target=aarch64-apple-darwin ;;
    # Windows on Arm runs the x86_64 build through its emulation.
    MINGW*/* | MSYS*/* | CYGWIN*/*) target=x86_64-pc-windows-msvc ;;
    *) die "no prebuilt binary for $os $arch; build from source: cargo install --locked --git https://github.com/tokenscope/tokenscope" ;;
  esac
fi
case "$target" in
  *windows*) archive="tokenscope-$target.zip" exe=tokenscope.exe ;;
  *) archive="tokenscope-$target.tar.gz" exe=tokenscope ;;
esac
if [ "$tag" = latest ]; then
  base="$releases/latest/download"
else
  base="$releases/download/$tag"
fi

fetch() { # URL FILE
  if command -v curl >/dev/null; then
    curl --fail --silent --show-error --location --retry 3 --proto '=https,file' \
      --proto-redir '=https' --output "$2" "$1"
  elif command -v wget >/dev/null; then
    wget --quiet --tries=3 --output-document="$2" "$1"
  else
    die "neither curl nor wget is installed"
  fi
}

sha256() { # FILE; read from stdin, so no file name is ever escaped in the output
  if command -v sha256sum >/dev/null; then
    sha256sum <"$1" | cut -d ' ' -f 1
  elif command -v shasum >/dev/null; then
    shasum -a 256 <"$1" | cut -d ' ' -f 1
  elif command -v openssl >/dev/null; then
    openssl dgst -sha256 -r <"$1" | cut -d ' ' -f 1
  else
    die "no SHA-256 tool (sha256sum, shasum or openssl) is installed"
  fi
}

# A path as Windows programs (7z, PowerShell) read it, under Git Bash; unchanged elsewhere.
native() {
  if command -v cygpath >/dev/null; then cygpath --windows "$1"; else printf '%s\n' "$1"; fi
}

mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
# Unpacked beside its destination, so the final step is a rename: a concurrent install or a
# run of the old binary never sees a half-written file.
work=$(mktemp -d "$dir/.tokenscope-install.XXXXXX")
trap 'rm -rf "$work"' EXIT

say "downloading $base/$archive"
fetch "$base/$archive" "$work/$archive" || die "could not download $base/$archive"
fetch "$base/SHA256SUMS" "$work/SHA256SUMS" || die "could not download $base/SHA256SUMS"

expected=$(awk -v f="$archive" '$2 == f || $2 == "*" f { print $1; exit }' "$work/SHA256SUMS")
if [ -z "$expected" ]; then
  die "SHA256SUMS of $tag lists no $archive"
fi
actual=$(sha256 "$work/$archive")
if [ "$actual" != "$expected" ]; then
  die "checksum mismatch for $archive: expected $expected, got $actual; nothing installed"
fi

mkdir "$work/unpacked"
case "$archive" in
  *.zip)
    if command -v unzip >/dev/null; then
      unzip -q "$work/$archive" -d "$work/unpacked"
    elif command -v 7z >/dev/null; then
      7z x -bso0 -bsp0 "-o$(native "$work/unpacked")" "$(native "$work/$archive")"
    else
      # shellcheck disable=SC2016 # PowerShell, not bash, expands $env:...
      ARCHIVE=$(native "$work/$archive") DEST=$(native "$work/unpacked") pwsh -NoProfile -Command \
        'Expand-Archive -LiteralPath $env:ARCHIVE -DestinationPath $env:DEST'
    fi
    ;;
  *) tar -xzf "$work/$archive" -C "$work/unpacked" ;;
esac
unpacked="$work/unpacked/tokenscope-$target/$exe"
[ -f "$unpacked" ] || die "$archive holds no tokenscope-$target/$exe"
chmod 755 "$unpacked"

installed=$("$unpacked" --version) || die "the downloaded binary does not run on this machine ($target)"
if [ "$tag" != latest ] && [ "$installed" != "tokenscope ${tag#v}" ]; then
  die "$archive of $tag reports '$installed'"
fi
mv -f "$unpacked" "$dir/$exe"
say "installed $installed ($target, sha256 $actual)"
printf '%s\n' "$dir/$exe"
