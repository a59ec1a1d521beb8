#!/usr/bin/env bash
# The `tokenscope-prebuilt` pre-commit hook (.pre-commit-hooks.yaml): runs tokenscope with the
# arguments it is given, from the release binary of the version in this checkout's Cargo.toml.
# pre-commit checks this repository out at the `rev` of the user's config, so that is the
# release `rev` names. The first run installs it with install-release.sh into
# ${XDG_CACHE_HOME:-~/.cache}/tokenscope/<version>/; later runs, offline too, reuse it.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$here/../Cargo.toml" | head -n 1)
if [ -z "$version" ]; then
  echo "tokenscope-prebuilt: no version in $here/../Cargo.toml" >&2
  exit 2
fi

cache="${XDG_CACHE_HOME:-${HOME:?}/.cache}/tokenscope/$version"
bin="$cache/tokenscope"
case "$(uname -s)" in
  MINGW* | MSYS* | CYGWIN*) bin="$bin.exe" ;;
esac
if [ ! -x "$bin" ]; then
  if ! bin=$(bash "$here/install-release.sh" "$version" "$cache"); then
    echo "tokenscope-prebuilt: no release binary of tokenscope $version for this machine;" \
      "use a release tag as rev, or the \`tokenscope\` hook, which builds from source" >&2
    exit 2
  fi
fi
exec "$bin" "$@"
