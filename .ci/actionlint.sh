#!/usr/bin/env bash
# Lints the delivery pipeline (.github/workflows) with actionlint, built from
# the Go module proxy and cached by version.
set -euo pipefail
# shellcheck source=.ci/lib/go-tool.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/go-tool.sh"
ACTIONLINT_VERSION=v1.7.12
cache="$(go_tool_dir actionlint "$ACTIONLINT_VERSION")"
if [ ! -x "$cache/actionlint" ]; then
  go_tool_build actionlint "$ACTIONLINT_VERSION" go_install github.com/rhysd/actionlint/cmd/actionlint
fi
"$cache/actionlint" -color=false .github/workflows/*.yml
echo "actionlint ${ACTIONLINT_VERSION}: workflows ok"
