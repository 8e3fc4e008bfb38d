#!/usr/bin/env bash
# Proves the plan gate can fail: `terraform plan` (real Terraform, real hashicorp/aws provider) of a
# planted insecure S3 bucket (test/fixtures/plan-gate), `terraform show -json`, then
# `scripts/checkov.sh --plan` on it must exit 1 and name the failed checks. The workflow's plan jobs
# run the same gate on every stack's saved plan.
#
# Provider source, in order: TF_PLUGIN_MIRROR (a filesystem mirror), /opt/tf-plugins (this machine
# image's mirror), else the registry. The fixture takes the newest aws provider version the mirror
# holds (the gate's behaviour does not depend on it; the stacks' pinned 6.25.0 is not in the mirror).
# Without terraform or any provider it says DID NOT RUN and exits 2: never a silent pass.
set -euo pipefail
cd "$(dirname "$0")/.."
log() { echo "[plan-gate] $*" >&2; }
command -v terraform >/dev/null || { log "DID NOT RUN: terraform is not installed"; exit 2; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mirror="${TF_PLUGIN_MIRROR:-/opt/tf-plugins}"
version=""
if [[ -d "$mirror/registry.terraform.io/hashicorp/aws" ]]; then
  version="$(find "$mirror/registry.terraform.io/hashicorp/aws" -mindepth 1 -maxdepth 1 \( -type d -o -name '*.zip' \) -printf '%f\n' |
    sed -E 's/^terraform-provider-aws_([0-9.]+)_.*/\1/' | grep -E '^[0-9]+\.[0-9]+\.[0-9]+$' | sort -V | tail -1)"
fi
if [[ -n "$version" ]]; then
  cat >"$work/cli.tfrc" <<RC
provider_installation {
  filesystem_mirror {
    path    = "$mirror"
    include = ["registry.terraform.io/hashicorp/aws"]
  }
  direct { exclude = ["registry.terraform.io/hashicorp/aws"] }
}
RC
  export TF_CLI_CONFIG_FILE="$work/cli.tfrc"
  log "hashicorp/aws $version from the filesystem mirror $mirror"
else
  version="${PLAN_GATE_AWS_VERSION:-6.25.0}"
  log "no filesystem mirror with hashicorp/aws: trying the registry for $version"
fi
sed "s/AWS_PROVIDER_VERSION/$version/" test/fixtures/plan-gate/main.tf.json >"$work/main.tf.json"

if ! (cd "$work" && terraform init -input=false -backend=false >"$work/init.log" 2>&1); then
  sed 's/^/    /' "$work/init.log" >&2
  log "DID NOT RUN: hashicorp/aws $version could not be installed (no mirror, registry unreachable)"
  exit 2
fi
(cd "$work" && terraform plan -input=false -refresh=false -lock=false -out=plan.tfplan >"$work/plan.log" 2>&1 &&
  terraform show -json plan.tfplan >plan.json) || { sed 's/^/    /' "$work/plan.log" >&2; log "FAIL: terraform could not plan the fixture"; exit 1; }

status=0
bash scripts/checkov.sh --plan "$work/plan.json" >"$work/checkov.out" 2>"$work/checkov.err" || status=$?
missing=()
for check in CKV_AWS_145 CKV_AWS_21 CKV_AWS_18; do   # KMS encryption, versioning, access logging
  grep -q "FAILED $check aws_s3_bucket.planted" "$work/checkov.err" || missing+=("$check")
done
if [[ "$status" -ne 1 || ${#missing[@]} -gt 0 ]]; then
  sed 's/^/    /' "$work/checkov.err" >&2
  log "FAIL: the plan gate did not reject the planted bucket (exit $status; checks not reported: ${missing[*]:-none})"
  exit 1
fi
log "PASS: the plan gate rejects the planted insecure bucket in a real saved plan ($(grep -c '^FAILED' "$work/checkov.err") failed checks)"
