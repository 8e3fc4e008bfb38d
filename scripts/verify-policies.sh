#!/usr/bin/env bash
# Verifies policies/ with the real engines, offline:
#   1. structure: every policy folder has policy.yaml + kyverno-test.yaml; every validate and
#      verifyImages rule is Enforce; no deprecated spec-level validationFailureAction.
#   2. `kyverno test policies/` (Kyverno CLI v1.19.0) - every suite, including the Cosign
#      signature suite, which runs against a local in-memory OCI registry filled here.
#   3. mutation check: a deliberately weakened policy must make its suite fail.
#   4. schema validation (kubectl-validate) of every Kubernetes object under policies/ against
#      the built-in API schemas and the upstream CRDs in $UPSTREAM_DIR/crds, plus a negative
#      self-test: every file in test/fixtures/invalid/ must be REJECTED for a schema reason.
#
# Usage:  UPSTREAM_DIR=../shared/upstream bash scripts/verify-policies.sh
# Env:    UPSTREAM_DIR        directory holding crds/ (required; see ALLOW_SKIP_CRD_VALIDATION)
#         ALLOW_SKIP_CRD_VALIDATION=1  explicit opt-out: skip step 4 when UPSTREAM_DIR is
#                             missing (loudly reported; the summary says NOT VALIDATED)
#         KUBE_VERSION        Kubernetes minor for built-in schemas (default 1.33)
#         SIGNATURE_REGISTRY_PORT  port of the local test registry (default 5123; the copy of
#                             the signature suite is rewritten to it)
# Tools come from PATH; if missing, .ci/tools.sh is sourced (builds/caches them).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"
PORT="${SIGNATURE_REGISTRY_PORT:-5123}"
verify_name=verify-policies
# log, fail, ensure_tools, the schema-validation steps and finish_summary (shared with verify-charts.sh).
# shellcheck source=scripts/lib/schema-validation.sh
source scripts/lib/schema-validation.sh

ensure_tools kyverno kubectl-validate crane registry cosign

work="$(mktemp -d)"
# local_registry_start / local_registry_stop, and the EXIT trap that removes $work (shared with verify-mirror.sh).
# shellcheck source=scripts/lib/local-registry.sh
source scripts/lib/local-registry.sh

# --- 1. structure ---------------------------------------------------------------------------
policy_count=0
for dir in policies/*/; do
  dir="${dir%/}"
  [[ "$dir" == policies/exceptions ]] && continue
  policy_count=$((policy_count + 1))
  [[ -f "$dir/policy.yaml" ]] || fail "$dir has no policy.yaml"
  [[ -f "$dir/kyverno-test.yaml" ]] || fail "$dir has no kyverno-test.yaml"
  if grep -qE '^\s*validationFailureAction:' "$dir/policy.yaml"; then
    fail "$dir/policy.yaml uses deprecated spec.validationFailureAction; set failureAction per rule"
  fi
  if grep -qE 'failureAction:\s*Audit' "$dir/policy.yaml"; then
    fail "$dir/policy.yaml has an Audit rule; platform policies are Enforce"
  fi
  # Each validate/verifyImages rule carries its own failureAction: Enforce.
  rules_needing=$(grep -cE '^\s*(validate|- imageReferences):' "$dir/policy.yaml" || true)
  enforce=$(grep -cE '^\s*failureAction:\s*Enforce\s*$' "$dir/policy.yaml" || true)
  if [[ "$enforce" -lt "$rules_needing" ]]; then
    fail "$dir/policy.yaml: $rules_needing validate/verifyImages rules but only $enforce failureAction: Enforce"
  fi
done
log "structure: $policy_count policy folders checked"

# --- 2a. signature fixture: local registry with signed/unsigned/forged images ----------------
# All suites run from a copy of policies/ so that the run-time key can be filled in without
# touching the working tree.
suites="$work/policies"
cp -R policies "$suites"

# The image digest is fixed in policies/verify-image-signatures/resources.yaml; it is
# reproducible because the layer tar and crane's config are deterministic.
expected_digest="sha256:f1ebfa2cdb28228785ca63ee0446941f92ee5073ce492320e9f7cfff56095693"
setup_signature_registry() {
  local reg="localhost:$PORT"
  local_registry_start "$PORT" SIGNATURE_REGISTRY_PORT || return 1
  mkdir -p "$work/layer"
  echo "platform-baseline signature test image (payments api)" >"$work/layer/README"
  tar --format=ustar --mtime=@0 --owner=0 --group=0 --numeric-owner --sort=name \
    -cf "$work/layer.tar" -C "$work/layer" README
  local repo digest
  for repo in api migrate unsigned forged nosbom sbomforged stalescan; do
    crane append -f "$work/layer.tar" -t "$reg/payments/$repo:1.0.0" >/dev/null 2>&1
    crane tag "$reg/payments/$repo:1.0.0" 1.4.2 >/dev/null 2>&1
    digest="$(crane digest "$reg/payments/$repo:1.0.0")"
    if [[ "$digest" != "$expected_digest" ]]; then
      echo "test image digest changed: got $digest, resources.yaml expects $expected_digest" >&2
      return 1
    fi
  done
  # Legacy .sig signatures: Kyverno v1.19 ClusterPolicy verifyImages looks them up by tag;
  # cosign v3's default (new bundle format) is not found by it (see docs/policies.md).
  # Key pairs exist only for this run (no private key in the repository): "trusted" plays the
  # platform release key, "attacker" signs the forged image.
  (cd "$work" && COSIGN_PASSWORD="" cosign generate-key-pair --output-key-prefix trusted &&
    COSIGN_PASSWORD="" cosign generate-key-pair --output-key-prefix attacker) >>"$work/cosign.log" 2>&1
  local sign=(cosign sign --yes --tlog-upload=false --use-signing-config=false --new-bundle-format=false)
  for repo in api migrate nosbom sbomforged stalescan; do
    COSIGN_PASSWORD="" "${sign[@]}" --key "$work/trusted.key" "$reg/payments/$repo@$expected_digest" >>"$work/cosign.log" 2>&1
  done
  COSIGN_PASSWORD="" "${sign[@]}" --key "$work/attacker.key" "$reg/payments/forged@$expected_digest" >>"$work/cosign.log" 2>&1
  # Attestations, as the mirror pipeline attaches them (scripts/mirror-images.ts; its end-to-end test,
  # scripts/verify-mirror.sh, attests a real syft SBOM): a CycloneDX SBOM and a cosign vuln scan
  # predicate, here minimal fixtures, because this suite tests the policy, not the scanner.
  #   api, migrate  SBOM + scan finished now (trusted key)       -> pass both rules
  #   nosbom        signed, no attestation at all               -> fail verify-cosign-signature
  #   sbomforged    signed, SBOM attested with the attacker key -> fail verify-cosign-signature
  #   stalescan     SBOM + scan finished 30 days ago            -> fail verify-scan-attestation (168h)
  printf '{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,"components":[{"type":"library","name":"payments-api","version":"1.0.0"}]}\n' >"$work/sbom.cdx.json"
  scan_predicate() {
    printf '{"invocation":{"parameters":null,"uri":"scripts/verify-policies.sh","event_id":"","builder.id":"test"},"scanner":{"uri":"pkg:golang/github.com/anchore/grype@v0.121.3","version":"0.121.3","db":{"uri":"","version":""},"result":{"gate":{"passed":true}}},"metadata":{"scanStartedOn":"%s","scanFinishedOn":"%s"}}\n' "$1" "$1"
  }
  scan_predicate "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >"$work/scan-fresh.json"
  scan_predicate "$(date -u -d '30 days ago' +%Y-%m-%dT%H:%M:%SZ)" >"$work/scan-stale.json"
  local attest=(cosign attest --yes --tlog-upload=false --use-signing-config=false --new-bundle-format=false)
  for repo in api migrate stalescan; do
    COSIGN_PASSWORD="" "${attest[@]}" --key "$work/trusted.key" --type cyclonedx --predicate "$work/sbom.cdx.json" "$reg/payments/$repo@$expected_digest" >>"$work/cosign.log" 2>&1
  done
  COSIGN_PASSWORD="" "${attest[@]}" --key "$work/attacker.key" --type cyclonedx --predicate "$work/sbom.cdx.json" "$reg/payments/sbomforged@$expected_digest" >>"$work/cosign.log" 2>&1
  for repo in api migrate; do
    COSIGN_PASSWORD="" "${attest[@]}" --key "$work/trusted.key" --type vuln --predicate "$work/scan-fresh.json" "$reg/payments/$repo@$expected_digest" >>"$work/cosign.log" 2>&1
  done
  COSIGN_PASSWORD="" "${attest[@]}" --key "$work/trusted.key" --type vuln --predicate "$work/scan-stale.json" "$reg/payments/stalescan@$expected_digest" >>"$work/cosign.log" 2>&1
  # The suite runs from a copy: its resources point at this run's port, its values file
  # carries the trusted public key.
  sed -i "s#localhost:5123/#$reg/#g" "$suites/verify-image-signatures/resources.yaml"
  local values="$suites/verify-image-signatures/values.yaml"
  grep -q 'REPLACED-AT-TEST-TIME' "$values" || { echo "placeholder missing in $values" >&2; return 1; }
  awk -v keyfile="$work/trusted.pub" '
    /REPLACED-AT-TEST-TIME/ {
      sub(/"REPLACED-AT-TEST-TIME[^"]*"/, "|"); print
      indent = $0; sub(/[^ ].*/, "", indent)
      while ((getline line < keyfile) > 0) print indent "  " line
      close(keyfile)  # the placeholder appears once per rule: read the key afresh each time
      next
    }
    { print }' "$values" >"$values.new" && mv "$values.new" "$values"
}
if setup_signature_registry; then
  log "signature fixture: registry on localhost:$PORT with signed and attested (api, migrate), unsigned, forged, no-SBOM, forged-SBOM and stale-scan images"
else
  tail -n 20 "$work/registry.log" "$work/cosign.log" 2>/dev/null | sed 's/^/    /' >&2 || true
  fail "could not set up the local signature registry; verify-image-signatures cannot be tested"
fi

# --- 2b. kyverno test -------------------------------------------------------------------------
log "kyverno test policies/ ($(kyverno version 2>/dev/null | head -1)), from a copy in $suites"
if kyverno test "$suites" --remove-color --require-tests --detailed-results >"$work/kyverno-test.log" 2>&1; then
  summary="$(grep -E '^Test Summary' "$work/kyverno-test.log" | awk '{p+=$3; f+=$7} END {printf "%d passed, %d failed", p, f}')"
  log "kyverno test: $summary"
  if grep -qE 'tests passed and [1-9]' "$work/kyverno-test.log"; then
    fail "kyverno test reported failures despite exit code 0"
  fi
  # The CLI passes excluded resources whatever was expected: only `skip` may be expected there.
  if excluded="$(node scripts/lib/excluded-results.mjs "$work/kyverno-test.log" 2>&1)"; then
    log "$excluded"
  else
    printf '%s\n' "$excluded" | sed 's/^/    /' >&2
    fail "a test expects a result on a resource its rule excludes (it can never fail)"
  fi
else
  grep -vE '^\s*$' "$work/kyverno-test.log" | grep -E 'Loading test|Fail|Error|Summary|Want' | sed 's/^/    /' >&2 || true
  fail "kyverno test policies/ failed (details above)"
fi

# --- 3. mutation check: the suites must catch a weakened policy -------------------------------
mutant="$work/mutant/disallow-privileged-containers"
mkdir -p "$mutant"
cp policies/disallow-privileged-containers/* "$mutant/"
sed -i 's/=(privileged): false/=(privileged): "*"/' "$mutant/policy.yaml"
if ! grep -q '=(privileged): "\*"' "$mutant/policy.yaml"; then
  fail "mutation check: could not weaken the policy (pattern changed?)"
elif kyverno test "$mutant" --remove-color >"$work/mutant.log" 2>&1; then
  fail "mutation check: a policy that allows privileged containers still passed its tests"
else
  log "mutation check: weakened disallow-privileged-containers was caught by its suite"
fi

# --- 4. schema validation -----------------------------------------------------------------------
schema_validation_prelude
if $schema_ready; then
  # 4a. negative self-test: each invalid fixture must be rejected for a schema reason.
  schema_negative_selftest

  # 4b. every Kubernetes object under policies/. kyverno-test.yaml is checked against the
  # cli.kyverno.io Test CRD; Values and UserInfo files (CLI-only, no CRD exists) are listed and skipped.
  files=()
  skipped=()
  while IFS= read -r f; do
    if grep -qE '^kind:\s*(Values|UserInfo)\s*$' "$f"; then skipped+=("$f"); else files+=("$f"); fi
  done < <(find policies -type f \( -name '*.yaml' -o -name '*.yml' \) | sort)
  schema_validate_files "files" "schema validation of policies/ failed" "${files[@]}"
  if [[ "$crd_status" == OK ]]; then
    log "schema: skipped (kinds Values, UserInfo: CLI-only): ${skipped[*]:-none}"
  fi
fi

# --- summary -----------------------------------------------------------------------------------
finish_summary "$policy_count policies; kyverno test: ${summary:-n/a}; schema: $crd_status"
