#!/usr/bin/env bash
# Verifies the project's Helm charts (charts/*), offline:
#   1. `helm lint --strict` and `helm template` for every values file in <chart>/ci/*.yaml
#      (values.schema.json is enforced by both).
#   2. negative checks: rendering must FAIL without the required inputs, with a value the
#      schema forbids, and with an unknown key, so the guards cannot silently disappear.
#   3. schema validation (kubectl-validate) of every rendered manifest against the built-in
#      Kubernetes API schemas and the upstream CRDs in $UPSTREAM_DIR/crds (PeerAuthentication,
#      PrometheusRule ...), plus the negative self-test on test/fixtures/invalid/.
#   4. consistency with the upstream charts the baseline feeds: the Grafana sidecar label and
#      the Falco chart's `mounts` values exist in $UPSTREAM_DIR/charts; and with the policies:
#      the rendered platform-policy-config drives policies/restrict-image-registries' suite.
#
# Usage:  UPSTREAM_DIR=../shared/upstream bash scripts/verify-charts.sh
# Env:    UPSTREAM_DIR, ALLOW_SKIP_CRD_VALIDATION=1, KUBE_VERSION (default 1.33): as in
#         scripts/verify-policies.sh.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"
verify_name=verify-charts
# log, fail, ensure_tools, the schema-validation steps and finish_summary (shared with verify-policies.sh).
# shellcheck source=scripts/lib/schema-validation.sh
source scripts/lib/schema-validation.sh

ensure_tools helm kubectl-validate kyverno   # kyverno: the policy contract check in step 2

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# expect_render_failure <description> <expected message regex> <helm template args...>
expect_render_failure() {
  local what="$1" pattern="$2"
  shift 2
  if helm template verify "$@" --kube-version "$KUBE_VERSION" >"$work/neg.out" 2>&1; then
    fail "$what: helm template succeeded but must fail"
  elif ! grep -qE "$pattern" "$work/neg.out"; then
    fail "$what: failed for another reason: $(grep -m1 -i error "$work/neg.out")"
  else
    return 0
  fi
  return 1
}

charts=0
renders=0
negatives=0
rendered_files=()
for chart in charts/*/; do
  chart="${chart%/}"
  [[ -f "$chart/Chart.yaml" ]] || continue
  charts=$((charts + 1))
  name="$(basename "$chart")"
  values_files=("$chart"/ci/*.yaml)
  [[ -e "${values_files[0]}" ]] || { fail "$chart has no ci/*.yaml values files"; continue; }
  [[ -f "$chart/values.schema.json" ]] || fail "$chart has no values.schema.json"

  # --- 1. lint + template per values file --------------------------------------------------
  for vf in "${values_files[@]}"; do
    tag="$name/$(basename "$vf" .yaml)"
    if helm lint --strict "$chart" -f "$vf" --kube-version "$KUBE_VERSION" >"$work/lint.out" 2>&1; then
      log "helm lint --strict $tag: ok"
    else
      sed 's/^/    /' "$work/lint.out" >&2
      fail "helm lint --strict $tag"
    fi
    out="$work/rendered-${name}-$(basename "$vf" .yaml).yaml"
    if helm template "$name" "$chart" -f "$vf" --kube-version "$KUBE_VERSION" >"$out" 2>"$work/template.err"; then
      docs=$(grep -c '^kind:' "$out" || true)
      log "helm template $tag: $docs objects"
      [[ "$docs" -gt 0 ]] || fail "helm template $tag rendered nothing"
      rendered_files+=("$out")
      renders=$((renders + 1))
    else
      sed 's/^/    /' "$work/template.err" >&2
      fail "helm template $tag"
    fi
  done

  # --- 2. negative checks (platform-baseline guards) ----------------------------------------
  if [[ "$name" == platform-baseline ]]; then
    base_vf="$chart/ci/default-values.yaml"
    expect_render_failure "no required inputs" 'policyConfig\.allowedRegistries is required' "$chart" &&
      negatives=$((negatives + 1))
    expect_render_failure "wildcard registry" "allowedRegistries/0.*does not match pattern" \
      "$chart" -f "$base_vf" --set-json 'policyConfig.allowedRegistries=["*"]' && negatives=$((negatives + 1))
    expect_render_failure "unknown value key" "additional properties 'unknownKey' not allowed" \
      "$chart" -f "$base_vf" --set unknownKey=1 && negatives=$((negatives + 1))
    expect_render_failure "privileged PSA level" "podSecurity/defaultLevel" \
      "$chart" -f "$base_vf" --set podSecurity.defaultLevel=privileged && negatives=$((negatives + 1))
    printf 'namespaces:\n  - name: payments\n    payments: true\n    podSecurityLevel: baseline\n' >"$work/neg-psa.yaml"
    expect_render_failure "payments namespace below restricted" 'must use podSecurityLevel restricted' \
      "$chart" -f "$base_vf" -f "$work/neg-psa.yaml" && negatives=$((negatives + 1))
    printf 'namespaces:\n  - name: reporting\n' >"$work/neg-class.yaml"
    expect_render_failure "namespace without a data class" 'needs dataClassification' \
      "$chart" -f "$base_vf" -f "$work/neg-class.yaml" && negatives=$((negatives + 1))
    printf 'namespaces:\n  - name: payments\n    payments: true\n    dataClassification: internal\n' >"$work/neg-class-pay.yaml"
    expect_render_failure "payments namespace below restricted class" 'must be dataClassification restricted' \
      "$chart" -f "$base_vf" -f "$work/neg-class-pay.yaml" && negatives=$((negatives + 1))
    expect_render_failure "secret store over plain http" "externalSecrets/vault/server.*does not match pattern" \
      "$chart" -f "$base_vf" --set externalSecrets.vault.server=http://vault.vault.svc:8200 && negatives=$((negatives + 1))
    expect_render_failure "console secret outside its namespace's Vault path" 'must lie under the console.s namespace path argocd/' \
      "$chart" -f "$base_vf" --set consoleSso.argoCd.enabled=true --set consoleSso.argoCd.vaultKey=monitoring/grafana-oidc && negatives=$((negatives + 1))
    expect_render_failure "volume snapshot class without a CSI driver" 'volumeSnapshotClass\.driver is required' \
      "$chart" -f "$base_vf" --set volumeSnapshotClass.enabled=true && negatives=$((negatives + 1))
    expect_render_failure "volume snapshot class for another driver" "volumeSnapshotClass/driver.*must be one of" \
      "$chart" -f "$base_vf" --set volumeSnapshotClass.enabled=true --set volumeSnapshotClass.driver=hostpath.csi.k8s.io && negatives=$((negatives + 1))
    log "negative render checks: $negatives/11 rejected as expected"

    # Contract with policies/restrict-image-registries: the allowedRegistries string this chart
    # writes into kyverno/platform-policy-config must make that policy's own test suite pass
    # when it replaces the suite's mocked value (same registries as the suite's values.yaml).
    rendered="$(helm template verify "$chart" -f "$base_vf" --kube-version "$KUBE_VERSION" \
      --set-json 'policyConfig.allowedRegistries=["registry.example.com","123456789012.dkr.ecr.eu-west-1.amazonaws.com"]' \
      --show-only templates/policy-config.yaml | sed -n 's/^  allowedRegistries: "\(.*\)"$/\1/p')"
    suite="$work/contract/restrict-image-registries"
    mkdir -p "$suite"
    cp policies/restrict-image-registries/* "$suite/"
    sed -i "s#^\( *platformconfig.data.allowedRegistries: \).*#\1\"$rendered\"#" "$suite/values.yaml"
    if [[ -z "$rendered" ]] || ! grep -qF "\"$rendered\"" "$suite/values.yaml"; then
      fail "contract: could not take allowedRegistries from the rendered platform-policy-config"
    elif kyverno test "$suite" --remove-color >"$work/contract.log" 2>&1; then
      log "contract: rendered allowedRegistries \"$rendered\" passes the restrict-image-registries suite"
    else
      grep -E 'Want|Error' "$work/contract.log" | sed 's/^/    /' >&2 || true
      fail "contract: the chart's allowedRegistries format breaks restrict-image-registries"
    fi

    # The ClusterSecretStore is usable only from the chart's namespaces, each of which gets the
    # Vault identity without a mounted token (templates/secret-store.yaml, docs/secrets.md).
    store="$(helm template verify "$chart" -f "$base_vf" --kube-version "$KUBE_VERSION" --show-only templates/secret-store.yaml 2>/dev/null)"
    if ! grep -qE '^kind: ClusterSecretStore$' <<<"$store" || ! grep -qE '^        - payments$' <<<"$store" ||
      [[ "$(grep -c '^automountServiceAccountToken: false$' <<<"$store")" -ne 2 ]]; then
      fail "default render has no ClusterSecretStore limited to the chart's namespaces, or a vault-secrets service account per namespace"
    fi

    # The mesh-wide STRICT PeerAuthentication must be in the default render.
    if ! helm template verify "$chart" -f "$base_vf" --kube-version "$KUBE_VERSION" \
      --show-only templates/peerauthentication.yaml 2>/dev/null | grep -qE '^    mode: STRICT$'; then
      fail "default render has no mesh-wide STRICT PeerAuthentication"
    fi
  fi

  # --- platform-pki guards: a bad input fails the render, not the apply ----------------------
  if [[ "$name" == platform-pki ]]; then
    pki_vf="$chart/ci/default-values.yaml"
    pki_negatives=0
    expect_render_failure "no environment" "at '/environment': minLength" "$chart" && pki_negatives=$((pki_negatives + 1))
    expect_render_failure "renewBefore not shorter than duration" 'vault.renewBefore \(2160h\) must be shorter than vault.duration \(2160h\)' \
      "$chart" -f "$pki_vf" --set vault.renewBefore=2160h && pki_negatives=$((pki_negatives + 1))
    expect_render_failure "issuer kind without a name" "properties 'name' required, if 'kind' exists" \
      "$chart" -f "$pki_vf" --set vault.issuerRef.kind=Issuer && pki_negatives=$((pki_negatives + 1))
    expect_render_failure "unknown value key" "additional properties 'unknownKey' not allowed" \
      "$chart" -f "$pki_vf" --set unknownKey=1 && pki_negatives=$((pki_negatives + 1))
    log "platform-pki negative render checks: $pki_negatives/4 rejected as expected"
    negatives=$((negatives + pki_negatives))
    # With the organisation's issuer, no in-cluster CA may be rendered (no self-signed root).
    org="$(helm template verify "$chart" -f "$chart/ci/organisation-issuer-values.yaml" --kube-version "$KUBE_VERSION")"
    if grep -qE '^kind: ClusterIssuer$|selfSigned' <<<"$org" || ! grep -qE '^    name: enterprise-pki$' <<<"$org"; then
      fail "platform-pki with an organisation issuer still renders the in-cluster CA, or not its issuerRef"
    fi
  fi
done

# --- 3. schema validation -------------------------------------------------------------------
schema_validation_prelude
if $schema_ready; then
  schema_negative_selftest
  if [[ ${#rendered_files[@]} -eq 0 ]]; then
    fail "nothing rendered to validate"
  else
    schema_validate_files "rendered files" "schema validation of rendered manifests failed" "${rendered_files[@]}"
  fi

  # --- 4. consistency with the upstream charts the baseline feeds ---------------------------
  grafana_values="$UPSTREAM_DIR/charts/grafana/values.yaml"
  label="$(awk '/^  dashboards:/{d=1} d && /^    label:/{print $2; exit}' "$grafana_values" 2>/dev/null || true)"
  ours="$(awk '/^dashboards:/{d=1} d && /^  sidecarLabel:/{print $2; exit}' charts/platform-baseline/values.yaml)"
  if [[ -n "$label" && "$label" == "$ours" ]]; then
    log "upstream: grafana sidecar dashboard label '$label' matches dashboards.sidecarLabel"
  else
    fail "grafana sidecar label in $grafana_values ('$label') != dashboards.sidecarLabel ('$ours')"
  fi
  if grep -qE '^mounts:' "$UPSTREAM_DIR/charts/falco/values.yaml" &&
    grep -qE '^  volumeMounts:' "$UPSTREAM_DIR/charts/falco/values.yaml"; then
    log "upstream: falco chart has mounts.volumes/volumeMounts for the rules ConfigMap"
  else
    fail "falco chart values have no mounts.volumes/volumeMounts; docs/charts.md wiring is stale"
  fi
fi

# --- summary ------------------------------------------------------------------------------------
finish_summary "$charts chart(s), $renders render(s) linted and templated, $negatives negative checks, schema: $crd_status"
