#!/usr/bin/env bash
# End-to-end test of the image mirror pipeline (scripts/mirror-images.ts), offline, against a local
# in-memory OCI registry on 127.0.0.1 (the same registry, crane and cosign as scripts/verify-policies.sh):
#   1. an "upstream" image (an Alpine package database, so syft has something real to catalog) is
#      pushed to <registry>/upstream/payments-api:1.0.0;
#   2. the REAL pipeline mirrors it to <registry>/mirror/payments-api:1.0.0: crane copy by digest, a
#      syft CycloneDX SBOM, the grype scan (DID NOT RUN without a vulnerability database: reported,
#      never passed), cosign signature and SBOM attestation with a key generated for this run;
#   3. the lock file must hold the digest the mirror serves, and the SBOM attestation must verify
#      with the key and carry syft's components;
#   4. `kyverno test` with the real policies/verify-image-signatures/policy.yaml must ADMIT the
#      mirrored image (by tag and by the locked digest) and REJECT an unsigned image, a signed image
#      without an SBOM attestation, and the mirrored tag after it was moved to other content (digest
#      changed); a prod-tier configuration (scan age 168h) must reject the mirrored image while its
#      scan has not run (no scan attestation).
#
# Usage:  bash scripts/verify-mirror.sh [--self-test]
#   --self-test  plants defects that the check must catch, and fails unless each is caught:
#                "moved-tag-signed" (the moved tag's new digest is signed and attested with the
#                release key, so the changed digest would be admitted) and "policy-without-sbom"
#                (the SBOM attestation is removed from the policy, so the image without SBOM would be
#                admitted).
# Env:    MIRROR_REGISTRY_PORT  port of the local registry (default 5125)
#         REQUIRE_IMAGE_SCAN=1  the scan must run here too (then a missing grype database fails)
# Exit:   0 pass; 1 failure. The summary line says whether the scan ran or DID NOT RUN.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"
PORT="${MIRROR_REGISTRY_PORT:-5125}"
REG="localhost:$PORT"
started=$SECONDS

log() { printf '[verify-mirror] %s\n' "$*"; }
die() { printf '[verify-mirror] FAIL: %s\n' "$*" >&2; exit 1; }

for tool in crane registry cosign syft grype kyverno node; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    # shellcheck source=.ci/tools.sh
    source .ci/tools.sh >/dev/null
    break
  fi
done
for tool in crane registry cosign syft grype kyverno node; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool not found (bash .ci/tools.sh builds it)"
done

work="$(mktemp -d)"
# local_registry_start / local_registry_stop, and the EXIT trap that removes $work (shared with verify-policies.sh).
# shellcheck source=scripts/lib/local-registry.sh
source scripts/lib/local-registry.sh

start_registry() {
  local_registry_start "$PORT" MIRROR_REGISTRY_PORT || die "no local registry on $REG"
}

# A deterministic single-layer linux/amd64 image: /etc/os-release and an apk database with two
# packages (what syft's apk cataloger reads in a real Alpine image).
make_image() {
  local ref="$1" note="$2" dir="$work/layer-$RANDOM"
  mkdir -p "$dir/etc" "$dir/lib/apk/db"
  printf 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.22.2\nPRETTY_NAME="Alpine Linux v3.22"\n' >"$dir/etc/os-release"
  printf 'C:Q1c2hhMQ==\nP:musl\nV:1.2.5-r10\nA:x86_64\nS:409600\nI:1015808\nT:the musl c library (libc) implementation\nU:https://musl.libc.org/\nL:MIT\no:musl\nm:Natanael Copa <ncopa@alpinelinux.org>\nt:1700000000\n\nC:Q1c2hhMg==\nP:busybox\nV:1.37.0-r19\nA:x86_64\nS:512000\nI:1024000\nT:Size optimized toolbox of many common UNIX utilities\nU:https://busybox.net/\nL:GPL-2.0-only\no:busybox\nm:Sören Tempel <soeren+alpine@soeren-tempel.net>\nt:1700000000\n\n' >"$dir/lib/apk/db/installed"
  printf '%s\n' "$note" >"$dir/etc/payments-release"
  tar --format=ustar --mtime=@0 --owner=0 --group=0 --numeric-owner --sort=name -cf "$dir.tar" -C "$dir" etc lib
  crane append -f "$dir.tar" -t "$ref.tmp" >/dev/null 2>&1
  crane mutate --set-platform linux/amd64 -t "$ref" "$ref.tmp" >/dev/null 2>&1
}

# The Kyverno suite: the real policy, this run's key, the pods below.
write_suite() {
  local suite="$1" plant="$2" mirrored_digest="$3"
  mkdir -p "$suite"
  cp policies/verify-image-signatures/policy.yaml "$suite/policy.yaml"
  if [[ "$plant" == policy-without-sbom ]]; then
    # Drop the attestations block of verify-cosign-signature (up to the next rule).
    awk '/^          attestations:/ && !done {skip=1} /^    - name: verify-scan-attestation/ {skip=0; done=1} !skip {print}' \
      policies/verify-image-signatures/policy.yaml >"$suite/policy.yaml"
    ! grep -q 'type: https://cyclonedx.org/bom' "$suite/policy.yaml" || die "self-test: could not remove the SBOM attestation from the policy"
  fi
  {
    echo 'apiVersion: cli.kyverno.io/v1alpha1'
    echo 'kind: Values'
    echo 'policies:'
    echo '  - name: verify-image-signatures'
    echo '    rules:'
    for rule in verify-cosign-signature verify-scan-attestation; do
      echo "      - name: $rule"
      echo '        values:'
      echo '          platformconfig.data.cosignPublicKey: |'
      sed 's/^/            /' "$work/release.pub"
    done
    # Per resource (rule values would override them): dev tier everywhere, prod tier for one pod.
    echo '    resources:'
    local name age
    for name in pod-mirrored pod-mirrored-locked-digest pod-mirrored-prod pod-unsigned pod-no-sbom pod-digest-changed; do
      age=not-required
      [[ "$name" == pod-mirrored-prod ]] && age=168h
      printf '      - name: %s\n        values:\n          platformconfig.data.scanAttestationMaxAge: %s\n' "$name" "$age"
    done
  } >"$suite/values.yaml"
  : >"$suite/resources.yaml"
  pod() {
    cat >>"$suite/resources.yaml" <<EOF
---
apiVersion: v1
kind: Pod
metadata:
  name: $1
  namespace: payments
spec:
  containers:
  - name: app
    image: $2
EOF
  }
  pod pod-mirrored "$REG/mirror/payments-api:1.0.0"
  pod pod-mirrored-locked-digest "$REG/mirror/payments-api@$mirrored_digest"
  pod pod-mirrored-prod "$REG/mirror/payments-api@$mirrored_digest"
  pod pod-unsigned "$REG/mirror/unsigned:1.0.0"
  pod pod-no-sbom "$REG/mirror/nosbom:1.0.0"
  pod pod-digest-changed "$REG/mirror/payments-moved:1.0.0"
  cat >"$suite/kyverno-test.yaml" <<'EOF'
apiVersion: cli.kyverno.io/v1alpha1
kind: Test
metadata:
  name: verify-mirror
policies:
- policy.yaml
resources:
- resources.yaml
variables: values.yaml
results:
- policy: verify-image-signatures
  rule: verify-cosign-signature
  kind: Pod
  resources: [pod-mirrored, pod-mirrored-locked-digest, pod-mirrored-prod]
  result: pass
- policy: verify-image-signatures
  rule: verify-cosign-signature
  kind: Pod
  resources: [pod-unsigned, pod-no-sbom, pod-digest-changed]
  result: fail
- policy: verify-image-signatures
  rule: verify-scan-attestation
  kind: Pod
  resources: [pod-mirrored, pod-unsigned]
  result: skip
- policy: verify-image-signatures
  rule: verify-scan-attestation
  kind: Pod
  resources: [pod-mirrored-prod]
  result: __PROD_RESULT__
EOF
}

# One end-to-end run; prints its result line, returns non-zero when any expectation fails.
e2e() {
  local plant="$1" dir="$work/run-$1"
  mkdir -p "$dir"
  # Runs share one registry: each gets its own upstream and mirror prefix.
  local up="$REG/$1/upstream" mirror="$REG/$1/mirror"
  make_image "$up/payments-api:1.0.0" "payments api 1.0.0"
  local upstream_digest
  upstream_digest="$(crane digest "$up/payments-api:1.0.0")"
  printf '[{"source":"%s","mirror":"%s"}]\n' "$up/payments-api:1.0.0" "$mirror/payments-api:1.0.0" >"$dir/images.json"
  # Second target: the same image mirrored, whose tag is then moved to other content.
  printf '[{"source":"%s","mirror":"%s"}]\n' "$up/payments-api:1.0.0" "$mirror/payments-moved:1.0.0" >"$dir/images-moved.json"

  local rc=0
  COSIGN_PASSWORD="" node --import tsx scripts/mirror-images.ts --key "$work/release.key" --images "$dir/images.json" \
    --lock "$dir/images.lock.json" --work "$dir/pipeline" >"$dir/mirror.log" 2>&1 || rc=$?
  COSIGN_PASSWORD="" node --import tsx scripts/mirror-images.ts --key "$work/release.key" --images "$dir/images-moved.json" \
    --lock "$dir/images.lock.json" --work "$dir/pipeline-moved" >>"$dir/mirror.log" 2>&1 || true
  sed 's/^/    /' "$dir/mirror.log"
  local scan=ran
  if [[ "$rc" -eq 2 ]]; then
    scan="DID NOT RUN"
  elif [[ "$rc" -ne 0 ]]; then
    echo "pipeline failed (exit $rc)"
    return 1
  fi

  # The lock holds what the mirror serves, which is what upstream served.
  local locked served
  locked="$(node -e 'const l=require(process.argv[1]); process.stdout.write((l.images[process.argv[2]]||{}).digest||"")' "$dir/images.lock.json" "$up/payments-api:1.0.0")"
  served="$(crane digest "$mirror/payments-api:1.0.0")"
  [[ "$locked" == "$upstream_digest" && "$served" == "$upstream_digest" ]] || { echo "lock $locked, mirror $served, upstream $upstream_digest differ"; return 1; }
  # The SBOM attestation verifies with the key and is syft's CycloneDX of the two packages.
  cosign verify-attestation --key "$work/release.pub" --type cyclonedx --insecure-ignore-tlog=true \
    "$mirror/payments-api@$locked" >"$dir/attestation.json" 2>"$dir/verify-attestation.log" || { echo "cosign verify-attestation failed: $(tail -n 3 "$dir/verify-attestation.log")"; return 1; }
  node -e '
    const lines = require("node:fs").readFileSync(process.argv[1], "utf8").trim().split("\n");
    const st = JSON.parse(Buffer.from(JSON.parse(lines[0]).payload, "base64").toString());
    const names = (st.predicate.components || []).map((c) => c.name).sort();
    if (st.predicateType !== "https://cyclonedx.org/bom" || !names.includes("musl") || !names.includes("busybox")) {
      console.error(`unexpected SBOM attestation: ${st.predicateType} ${names}`); process.exit(1);
    }
    console.log(`SBOM attestation: ${st.predicateType}, components ${names.join(", ")}`);
  ' "$dir/attestation.json" || return 1

  # Images the pipeline did not produce.
  make_image "$mirror/unsigned:1.0.0" "unsigned"
  make_image "$mirror/nosbom:1.0.0" "signed, no sbom"
  COSIGN_PASSWORD="" cosign sign --yes --tlog-upload=false --use-signing-config=false --new-bundle-format=false \
    --key "$work/release.key" "$mirror/nosbom@$(crane digest "$mirror/nosbom:1.0.0")" >>"$dir/cosign.log" 2>&1
  # The mirrored tag moved to other content after the pipeline ran: its digest changed.
  make_image "$mirror/payments-moved:1.0.0" "payments api 1.0.0, rebuilt behind the pipeline's back"
  local moved
  moved="$(crane digest "$mirror/payments-moved:1.0.0")"
  [[ "$moved" != "$locked" ]] || { echo "the moved tag still has the mirrored digest"; return 1; }
  if [[ "$plant" == moved-tag-signed ]]; then
    COSIGN_PASSWORD="" cosign sign --yes --tlog-upload=false --use-signing-config=false --new-bundle-format=false \
      --key "$work/release.key" "$mirror/payments-moved@$moved" >>"$dir/cosign.log" 2>&1
    COSIGN_PASSWORD="" cosign attest --yes --tlog-upload=false --use-signing-config=false --new-bundle-format=false \
      --key "$work/release.key" --type cyclonedx --predicate "$dir/pipeline/0/sbom.cdx.json" "$mirror/payments-moved@$moved" >>"$dir/cosign.log" 2>&1
  fi

  write_suite "$dir/suite" "$plant" "$locked"
  # Prod tier: no scan attestation unless the scan ran -> refused.
  local prod_result=fail
  [[ "$scan" == ran ]] && prod_result=pass
  sed -i "s/__PROD_RESULT__/$prod_result/" "$dir/suite/kyverno-test.yaml"
  sed -i "s#$REG/mirror/#$mirror/#g" "$dir/suite/resources.yaml"
  if kyverno test "$dir/suite" --remove-color --detailed-results >"$dir/kyverno.log" 2>&1 && ! grep -qE 'tests passed and [1-9]' "$dir/kyverno.log"; then
    echo "kyverno test: $(grep -E '^Test Summary' "$dir/kyverno.log" | head -1); scan: $scan"
    return 0
  fi
  echo "kyverno test failed: $(grep -E '^Test Summary' "$dir/kyverno.log" | head -1); scan: $scan"
  grep -E 'Fail|Error' "$dir/kyverno.log" | sed 's/^/    /' | head -20
  return 1
}

start_registry
(cd "$work" && COSIGN_PASSWORD="" cosign generate-key-pair --output-key-prefix release) >"$work/keygen.log" 2>&1 || die "cosign generate-key-pair failed"

if [[ "${1:-}" == --self-test ]]; then
  caught=0
  for plant in moved-tag-signed policy-without-sbom; do
    if out="$(e2e "$plant" 2>&1)"; then
      printf '%s\n' "$out" | tail -n 5 | sed 's/^/    /'
      die "self-test: planted defect \"$plant\" was NOT caught (the check passed)"
    fi
    # Caught by the admission check itself, not by a broken setup.
    if ! printf '%s\n' "$out" | grep -qE '^kyverno test failed: Test Summary: [0-9]+ tests passed and [1-9]'; then
      printf '%s\n' "$out" | tail -n 8 | sed 's/^/    /' >&2
      die "self-test: planted defect \"$plant\": the run failed before kyverno test judged it"
    fi
    log "self-test: planted defect \"$plant\" caught: $(printf '%s\n' "$out" | grep -E '^kyverno test' | tail -1)"
    caught=$((caught + 1))
  done
  log "self-test: $caught passed, 0 failed ($((SECONDS - started))s)"
  exit 0
fi

if out="$(e2e clean 2>&1)"; then
  printf '%s\n' "$out" | sed 's/^/  /'
  result="$(printf '%s\n' "$out" | grep -E '^kyverno test' | tail -1)"
  if [[ "${REQUIRE_IMAGE_SCAN:-0}" == 1 && "$result" == *"DID NOT RUN"* ]]; then
    die "the scan DID NOT RUN and REQUIRE_IMAGE_SCAN=1"
  fi
  log "end to end: copy, SBOM, sign, attest, lock, admission: PASS ($result; $((SECONDS - started))s)"
else
  printf '%s\n' "$out" | sed 's/^/  /' >&2
  die "end to end failed"
fi
