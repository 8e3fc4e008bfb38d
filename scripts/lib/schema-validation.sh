# shellcheck shell=bash disable=SC2034  # crd_status, schema_ready, neg ... are read by the sourcing script
# Shared by scripts/verify-charts.sh and scripts/verify-policies.sh (sourced, not run):
# logging, tool bootstrap, the kubectl-validate schema check against the upstream CRDs
# (with its loud DID NOT RUN handling and the negative self-test on test/fixtures/invalid/),
# and the PASS/FAIL summary.
#
# The caller sets `verify_name` (message prefix, e.g. verify-charts) and `work` (its temp dir),
# has cd'ed to the repository root and runs under `set -euo pipefail`.
# Env: UPSTREAM_DIR (directory holding crds/), ALLOW_SKIP_CRD_VALIDATION=1 (explicit opt-out:
# loudly reported, summary says NOT VALIDATED), KUBE_VERSION (default 1.33).

: "${verify_name:?set verify_name before sourcing scripts/lib/schema-validation.sh}"
start=$SECONDS
KUBE_VERSION="${KUBE_VERSION:-1.33}"
failures=()
notes=()

log() { echo "[$verify_name] $*"; }
fail() { echo "[$verify_name] FAIL: $*" >&2; failures+=("$*"); }

# ensure_tools <tool...>: if any tool is missing from PATH, source .ci/tools.sh (builds/caches them).
ensure_tools() {
  local tool
  for tool in "$@"; do
    if ! command -v "$tool" >/dev/null 2>&1; then
      log "$tool not on PATH; sourcing .ci/tools.sh"
      # shellcheck source=.ci/tools.sh
      source .ci/tools.sh
      break
    fi
  done
}

# kubectl-validate against the built-in schemas of $KUBE_VERSION plus the upstream CRDs.
validate() { kubectl-validate --version "$KUBE_VERSION" --local-crds "$crd_dirs" "$@"; }

# schema_validation_prelude: sets crd_status="NOT VALIDATED" and schema_ready=true|false.
# Without $UPSTREAM_DIR/crds it reports that validation DID NOT RUN and fails, unless
# ALLOW_SKIP_CRD_VALIDATION=1 (then only a note). With it, sets crd_dirs for validate().
schema_validation_prelude() {
  crd_status="NOT VALIDATED"
  schema_ready=false
  if [[ -z "${UPSTREAM_DIR:-}" || ! -d "${UPSTREAM_DIR:-/nonexistent}/crds" ]]; then
    echo "[$verify_name] !!! SCHEMA/CRD VALIDATION DID NOT RUN: UPSTREAM_DIR='${UPSTREAM_DIR:-}' has no crds/ directory." >&2
    if [[ "${ALLOW_SKIP_CRD_VALIDATION:-}" == "1" ]]; then
      echo "[$verify_name] !!! ALLOW_SKIP_CRD_VALIDATION=1: continuing WITHOUT schema validation." >&2
      notes+=("schema validation SKIPPED by ALLOW_SKIP_CRD_VALIDATION=1")
    else
      fail "schema validation did not run (set UPSTREAM_DIR, e.g. ../shared/upstream, or ALLOW_SKIP_CRD_VALIDATION=1)"
    fi
  else
    crd_dirs="$(find "$UPSTREAM_DIR/crds" -mindepth 1 -type d | sort | paste -sd, -)"
    # CRDs the clusters provide (snapshot.storage.k8s.io), fetched by .ci/tools.sh. Without them a
    # VolumeSnapshotClass fails validation for a missing schema: loud, never skipped.
    local cluster_crds="${PLATFORM_TOOLS_CACHE:-$HOME/.cache/platform-tools}/crds"
    if [[ -d "$cluster_crds" ]]; then
      crd_dirs="$crd_dirs,$(find -L "$cluster_crds" -mindepth 1 -maxdepth 1 -type d | sort | paste -sd, -)"
    fi
    schema_ready=true
  fi
}

# schema_negative_selftest: each test/fixtures/invalid/*.yaml must be rejected for a schema
# reason (not for a missing schema). Sets neg to the number rejected.
schema_negative_selftest() {
  local f out
  neg=0
  for f in test/fixtures/invalid/*.yaml; do
    if out="$(validate "$f" 2>&1)"; then
      fail "validator ACCEPTED invalid fixture $f"
    elif grep -qE 'failed to locate OpenAPI spec|failed to retrieve validator' <<<"$out"; then
      fail "validator rejected $f only because a schema is missing (CRDs not loaded?)"
    else
      neg=$((neg + 1))
    fi
  done
  [[ $neg -gt 0 ]] || fail "no invalid fixtures found in test/fixtures/invalid"
}

# schema_validate_files <noun> <failure message> <file...>: validates the files; sets
# crd_status to OK (and logs "<n> <noun> valid") or FAILED (shows the errors and fails).
schema_validate_files() {
  local noun="$1" failure="$2"
  shift 2
  if validate "$@" >"$work/validate.log" 2>&1; then
    crd_status="OK"
    log "schema: $# $noun valid (k8s $KUBE_VERSION + CRDs from $UPSTREAM_DIR/crds and the cluster-provided CRDs); invalid fixtures rejected: $neg"
  else
    grep -B1 -A3 'ERROR' "$work/validate.log" | sed 's/^/    /' >&2 || cat "$work/validate.log" >&2
    crd_status="FAILED"
    fail "$failure"
  fi
}

# finish_summary <pass details>: prints the notes and the one-line PASS/FAIL summary; exits 1 on failure.
finish_summary() {
  local elapsed=$((SECONDS - start)) n
  for n in "${notes[@]}"; do log "note: $n"; done
  if [[ ${#failures[@]} -eq 0 ]]; then
    echo "$verify_name: PASS ($1; ${elapsed}s)"
  else
    echo "$verify_name: FAIL (${#failures[@]} problem(s): ${failures[*]}; ${elapsed}s)"
    exit 1
  fi
}
