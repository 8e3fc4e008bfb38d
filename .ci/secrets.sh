#!/usr/bin/env bash
# Secret scanning with gitleaks (built from the Go module proxy, cached by version).
# Scans the whole git history and the working tree; any finding fails CI.
# A self-test first proves the scanner detects a planted credential, so a
# broken install cannot pass silently.
set -euo pipefail

# shellcheck source=.ci/lib/go-tool.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/go-tool.sh"

GITLEAKS_VERSION=v8.30.1
cache="$(go_tool_dir gitleaks "$GITLEAKS_VERSION")"
bin="$cache/gitleaks"
if [ ! -x "$bin" ]; then
  echo "secrets: building gitleaks ${GITLEAKS_VERSION} into $cache"
  go_tool_build gitleaks "$GITLEAKS_VERSION" go_install github.com/zricethezav/gitleaks/v8
fi
echo "secrets: gitleaks ${GITLEAKS_VERSION} at $bin"

selftest="$(mktemp -d)"
trap 'rm -rf "$selftest"' EXIT
# Assembled at run time so this file itself holds no credential-shaped string.
printf 'aws_access_key_id = %s%s\n' 'AKIA' 'QYLPMN5HHHFPZAM2' > "$selftest/leak.env"
printf 'aws_secret_access_key = %s%s\n' 'wJalrXUtnFEMI/K7MDENG/' 'bPxRfiCYzEXAMPLEKEY1' >> "$selftest/leak.env"
if "$bin" dir --no-banner --exit-code 1 "$selftest" >/dev/null 2>&1; then
  echo "secrets: FAIL: gitleaks did not detect the planted credential (scanner not working)" >&2
  exit 1
fi
echo "secrets: self-test ok (planted credential detected)"

"$bin" git --no-banner --redact --exit-code 1 --config .gitleaks.toml .
# The synthesized Terraform too: a literal secret in Helm values or provider
# configuration would land in plan files and state.
if [ -d cdktf.out ]; then
  "$bin" dir --no-banner --redact --exit-code 1 cdktf.out
fi
echo "secrets: no secrets found in git history or synthesized output"
