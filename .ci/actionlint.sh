#!/usr/bin/env bash
# Lints the delivery pipeline (.github/workflows) with actionlint, built from
# the Go module proxy and cached by version.
set -euo pipefail
ACTIONLINT_VERSION=v1.7.12
cache="${PLATFORM_TOOLS_CACHE:-$HOME/.cache/platform-tools}/actionlint-${ACTIONLINT_VERSION}"
if [ ! -x "$cache/actionlint" ]; then
  mkdir -p "$cache"
  GOTOOLCHAIN=local GOBIN="$cache" GOFLAGS=-trimpath go install "github.com/rhysd/actionlint/cmd/actionlint@${ACTIONLINT_VERSION}"
fi
"$cache/actionlint" -color=false .github/workflows/*.yml
echo "actionlint ${ACTIONLINT_VERSION}: workflows ok"
