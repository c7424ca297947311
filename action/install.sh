#!/usr/bin/env bash
# Installs keyhound for the GitHub Action (action.yml) unless a keyhound is already on PATH.
# Builds it from the action's own checkout with cargo, into $RUNNER_TEMP, and adds it to PATH.
set -euo pipefail
if command -v keyhound >/dev/null 2>&1; then
  echo "keyhound: using $(command -v keyhound) ($(keyhound --version))"
  exit 0
fi
src=${GITHUB_ACTION_PATH:?run from action.yml or set GITHUB_ACTION_PATH to a keyhound checkout}
root=${RUNNER_TEMP:-/tmp}/keyhound
cargo install --locked --quiet --path "$src" --root "$root"
echo "$root/bin" >> "${GITHUB_PATH:-/dev/null}"
echo "keyhound: installed $("$root/bin/keyhound" --version)"
