#!/usr/bin/env bash
# Scans every synthesized stack with Checkov (Terraform JSON framework), or one saved plan.
#
#   bash scripts/checkov.sh [cdktf.out]
#   bash scripts/checkov.sh --plan <plan.json>   # `terraform show -json` of a saved plan
#                                                # (framework terraform_plan: the resolved values)
#
# Installs Checkov from PyPI, pinned, into a virtualenv OUTSIDE the repo:
#   ${PLATFORM_TOOLS_CACHE:-$HOME/.cache/platform-tools}/checkov-<version>/
# A venv embeds its own path, so it is built in place and only counts as
# installed once the `.complete` marker exists: an interrupted install is wiped
# and redone, and a warm run does no install work at all.
#
# Reviewed skips live in .checkov.yaml (one file, each skip with its reason; the
# list is in docs/compliance.md). Exits non-zero on any FAILED check, and also
# when nothing was scanned: a scan of zero resources is a silent no-op, not a pass.
# Non-interactive (CI=true, no stdin) and offline apart from the PyPI install:
# --skip-download keeps Checkov from calling the Prisma Cloud API.
set -euo pipefail

CHECKOV_VERSION="3.3.30"   # latest on PyPI at review (2026-11); installs on Python 3.11
PYTHON="${PYTHON:-python3}"

log() { echo "[checkov] $*" >&2; }

# Resolve the target before moving to the repo root (.checkov.yaml lives there).
if [[ "${1:-}" == --plan ]]; then
  [[ -f "${2:-}" ]] || { log "--plan needs the plan JSON file (terraform show -json plan.tfplan), got '${2:-}'"; exit 2; }
  target="$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"
  scan=(--file "$target" --framework terraform_plan)
else
  target="${1:-cdktf.out}"
  if [[ -d "$target" ]]; then target="$(cd "$target" && pwd)"; fi
  if ! compgen -G "$target/stacks/*/cdk.tf.json" >/dev/null; then
    log "no synthesized stacks under $target/stacks/*/cdk.tf.json (run 'npm run synth' first)"
    exit 2
  fi
  # versions.tf.json holds only terraform.required_version, which Checkov's terraform_json parser
  # cannot read (bridgecrewio/checkov#7454) and no check inspects; every resource is in cdk.tf.json.
  scan=(--directory "$target" --framework terraform_json --skip-path 'versions\.tf\.json$')
fi
cd "$(dirname "$0")/.."
cache="${PLATFORM_TOOLS_CACHE:-$HOME/.cache/platform-tools}"
venv="$cache/checkov-$CHECKOV_VERSION"

if [[ ! -f "$venv/.complete" ]]; then
  log "installing checkov==$CHECKOV_VERSION into $venv"
  rm -rf "$venv"
  mkdir -p "$cache"
  "$PYTHON" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
    "checkov==$CHECKOV_VERSION" </dev/null >&2
  touch "$venv/.complete"
fi

export BC_SKIP_MAPPING=TRUE CHECKOV_RUN_SCA_PACKAGE_SCAN_V2=false PYTHONWARNINGS=ignore
results="$(mktemp -d)"  # checkov writes results_json.json into this directory
trap 'rm -rf "$results"' EXIT

status=0
# One run, JSON only and NOT --quiet: --quiet drops passed checks from the JSON, and
# the passed checks are how we prove the scan evaluated something. The failed checks
# are printed below in a compact form.
"$venv/bin/checkov" \
  "${scan[@]}" \
  --config-file .checkov.yaml \
  --skip-download \
  --output json \
  --output-file-path "$results" \
  </dev/null >/dev/null || status=$?

# Failed checks (one line each) on stdout; totals on the last line.
summary="$("$venv/bin/python" - "$results/results_json.json" <<'PY'
import json, sys
try:
    data = json.load(open(sys.argv[1]))
except (OSError, ValueError) as e:
    print(f"cannot read checkov results: {e}", file=sys.stderr)
    print("0 0 0 0 0"); sys.exit(0)
reports = data if isinstance(data, list) else [data]
p = f = s = errors = 0
resources = set()
for rep in reports:
    summ = rep.get("summary", {})
    p += summ.get("passed", 0); f += summ.get("failed", 0); s += summ.get("skipped", 0)
    errors += summ.get("parsing_errors", 0)
    results = rep.get("results", {})
    # summary.resource_count is 0 for terraform_json: count the resources the checks saw.
    for kind in ("passed_checks", "failed_checks", "skipped_checks"):
        for c in results.get(kind, []):
            resources.add((c.get("file_path"), c.get("resource")))
    for c in results.get("failed_checks", []):
        lines = c.get("file_line_range") or ["?", "?"]
        print(f"FAILED {c.get('check_id')} {c.get('resource')} {c.get('file_path')}:{lines[0]}-{lines[-1]}  {c.get('check_name')}", file=sys.stderr)
print(p, f, s, len(resources), errors)
PY
)"
read -r passed failed skipped resources parsing_errors <<<"$summary"
# Config skips are global and never run, so Checkov does not count them as skipped: name them.
config_skips="$(grep -oE '^[[:space:]]*-[[:space:]]*CKV2?_[A-Z0-9_]+' .checkov.yaml | grep -oE 'CKV2?_[A-Z0-9_]+' | paste -sd, - || true)"
log "checkov $CHECKOV_VERSION: $resources resources, $passed passed, $failed failed, $skipped skipped"
log "reviewed global skips (.checkov.yaml, not run): ${config_skips:-none}"

if (( resources == 0 || passed + failed + skipped == 0 )); then
  log "nothing was evaluated under $target: refusing to pass an empty scan"
  exit 1
fi
# A file Checkov cannot parse is silently left out of the scan: that is a failure, not a smaller pass.
if (( parsing_errors > 0 )); then
  log "FAILED: $parsing_errors file(s) could not be parsed, so their resources were not scanned (see the errors above)"
  exit 1
fi
if (( failed > 0 )); then
  log "FAILED: fix the resource, or add a reviewed skip with its reason to .checkov.yaml and docs/compliance.md"
  exit 1
fi
exit "$status"
