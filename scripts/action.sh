#!/usr/bin/env bash
# The GitHub Action's step (action.yml): runs `apiguard scan` with the action's inputs, writes SARIF,
# sets the outputs, and exits with apiguard's status (0 clean, 1 findings, 2 could not check).
# The CLI: $APIGUARD_CLI if set (tests, self-hosted runners), else the action's own build (built on
# first use), else `apiguard` on the PATH.
set -uo pipefail

if [[ -n "${APIGUARD_CLI:-}" ]]; then
  read -r -a cli <<< "$APIGUARD_CLI"
elif [[ -n "${GITHUB_ACTION_PATH:-}" && -f "$GITHUB_ACTION_PATH/package.json" ]]; then
  if [[ ! -f "$GITHUB_ACTION_PATH/dist/cli.js" ]]; then
    echo "::group::Building API Guard"
    (cd "$GITHUB_ACTION_PATH" && npm ci --no-audit --no-fund --ignore-scripts && npm run build --silent) || { echo "::error::could not build API Guard"; exit 2; }
    echo "::endgroup::"
  fi
  cli=(node "$GITHUB_ACTION_PATH/dist/cli.js")
elif command -v apiguard >/dev/null 2>&1; then
  cli=(apiguard)
else
  echo "::error::apiguard not found (set APIGUARD_CLI or install it)"; exit 2
fi

args=(scan)
read -r -a paths <<< "${INPUT_PATHS:-.}"
args+=("${paths[@]}")
args+=(--fail-on "${INPUT_FAIL_ON:-error}")
[[ -n "${INPUT_BASELINE:-}" ]] && args+=(--baseline "$INPUT_BASELINE")
case "${INPUT_CHANGED:-}" in
  ''|false) ;;
  true)
    if [[ -n "${GITHUB_BASE_REF:-}" ]]; then args+=("--changed=origin/$GITHUB_BASE_REF"); else args+=(--changed); fi ;;
  *) args+=("--changed=$INPUT_CHANGED") ;;
esac
sarif="${INPUT_SARIF_FILE:-apiguard.sarif}"

"${cli[@]}" "${args[@]}" --format sarif --output "$sarif"
code=$?
if [[ -n "${GITHUB_OUTPUT:-}" ]]; then
  { echo "sarif-file=$sarif"; echo "exit-code=$code"; } >> "$GITHUB_OUTPUT"
fi
case $code in
  0) ;;
  1) echo "::error::API Guard found problems at or above ${INPUT_FAIL_ON:-error} (SARIF: $sarif)" ;;
  *) echo "::error::API Guard could not check the project (exit $code)" ;;
esac
exit $code
