#!/usr/bin/env bash
# The scan step of the GitHub Action (action.yml): writes SARIF and fails on new findings.
#
# Environment: KEYHOUND_ARGS (arguments for `keyhound scan`; default: the pull request's
# commits on pull_request events, the working tree otherwise), KEYHOUND_SARIF (report path),
# EVENT_NAME and BASE_REF (from the workflow context), KEYHOUND_BIN (binary, default keyhound).
set -uo pipefail
keyhound=${KEYHOUND_BIN:-keyhound}
sarif=${KEYHOUND_SARIF:-keyhound.sarif}
if [ -n "${KEYHOUND_ARGS:-}" ]; then
  read -r -a args <<<"$KEYHOUND_ARGS"
elif [ "${EVENT_NAME:-}" = pull_request ] && [ -n "${BASE_REF:-}" ]; then
  args=(--git . --log-opts "origin/${BASE_REF}..HEAD")
else
  args=(.)
fi
echo "keyhound scan ${args[*]} --format sarif -o $sarif"
"$keyhound" scan "${args[@]}" --format sarif -o "$sarif"
code=$?
echo "sarif=$sarif" >> "${GITHUB_OUTPUT:-/dev/null}"
if [ "$code" -eq 1 ]; then
  echo "::error title=keyhound::leaked credentials found; see the code scanning alerts or $sarif" >&2
  "$keyhound" scan "${args[@]}" --format github --quiet || true
fi
exit "$code"
