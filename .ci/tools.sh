#!/usr/bin/env bash
# Installs the pinned CLI tools that check policies/ and charts/, built from
# source through the Go module proxy (no prebuilt-binary downloads) by .ci/lib/go-tool.sh
# (shared with .ci/secrets.sh and .ci/actionlint.sh).
#
#   kyverno          Kyverno CLI, same version as the Kyverno chart pinned upstream
#                    (chart 3.9.0 / app v1.19.0), so `kyverno test` runs the engine
#                    the cluster runs.
#   helm             helm lint / helm template for charts/.
#   kubectl-validate offline validation against the built-in Kubernetes API schemas
#                    plus local CRDs (../shared/upstream/crds).
#   cosign, crane,   only for the offline signature test of verify-image-signatures:
#   registry         an in-memory OCI registry on 127.0.0.1, an image pushed with crane and
#                    signed with cosign, so `kyverno test` verifies a real signature.
#                    Same versions kyverno v1.19.0 itself depends on.
#   syft, grype      the image mirror pipeline (scripts/mirror-images.ts): syft writes each
#                    mirrored image's SBOM (CycloneDX), grype scans it. syft is pinned to the
#                    version grype v0.121.3 itself builds with (its go.mod requires syft
#                    v1.57.1), so the SBOM and the scan catalog packages the same way.
#
# Usage (both non-interactive, safe with CI=true and no stdin):
#   bash .ci/tools.sh                 installs if needed, prints ONE line: the bin dir
#                                     export PATH="$(bash .ci/tools.sh):$PATH"
#   source .ci/tools.sh               installs if needed and prepends the bin dir to PATH
#                                     of the calling shell (also exports PLATFORM_TOOLS_BIN)
#
# Also fetches the snapshot.storage.k8s.io CRDs clusters provide into
#   ${PLATFORM_TOOLS_CACHE}/crds/snapshot.storage.k8s.io (schema checks and the live install read them).
#
# Binaries are cached by version under
#   ${PLATFORM_TOOLS_CACHE:-$HOME/.cache/platform-tools}/<tool>-<version>/<tool>
# and symlinked into ${PLATFORM_TOOLS_CACHE}/bin, so a second run does no work.
# Progress goes to stderr; stdout carries only the bin dir.

_platform_tools_main() {
  set -euo pipefail

  # Pinned versions. Change them here only; the cache key includes the version.
  local KYVERNO_VERSION="v1.19.0"   # = app version of kyverno chart 3.9.0 (shared/upstream)
  local HELM_VERSION="v3.22.0"   # latest helm v3 on the Go proxy; its go.mod has no replace, so `go install` works
  # kubectl-validate: the newest tag (v0.0.4, 2024) embeds schemas only up to k8s 1.30; pin
  # the commit kyverno v1.19.0 itself depends on (embeds 1.27..1.35 built-in schemas).
  local KUBECTL_VALIDATE_VERSION="v0.0.5-0.20260105161640-a97ccfaca20b"
  local COSIGN_VERSION="v3.1.2"      # = kyverno v1.19.0's sigstore/cosign/v3 requirement
  local GGCR_VERSION="v0.21.8"        # = kyverno v1.19.0's google/go-containerregistry requirement
  local GRYPE_VERSION="v0.121.3"      # newest grype that builds with this machine's Go (v0.122.0 needs go1.27)
  local SYFT_VERSION="v1.57.1"        # = grype v0.121.3's anchore/syft requirement
  # kyverno's go.mod (v1.19.0) has exactly one replace directive. A `go build` from a
  # module that merely requires kyverno ignores it, so the throwaway module repeats it.
  local KYVERNO_REPLACES=(
    "k8s.io/pod-security-admission=github.com/kyverno/pod-security-admission@v0.0.0-20251031094455-46f20778634f"
  )

  # shellcheck source=.ci/lib/go-tool.sh
  source "$(dirname "${BASH_SOURCE[0]}")/lib/go-tool.sh"
  local bindir="$go_tool_cache/bin"
  mkdir -p "$bindir"

  local GO_TOOL_LOG_TAG=tools   # dynamically scoped: go_tool_install reads it

  _build_kyverno() {
    local work="$1" version="$2"
    mkdir -p "$work/mod"
    (
      cd "$work/mod"
      go mod init platform-tools/kyverno-cli >/dev/null 2>&1
      local r
      for r in "${KYVERNO_REPLACES[@]}"; do
        go mod edit -replace "$r"
      done
      go get "github.com/kyverno/kyverno/cmd/cli/kubectl-kyverno@$version"
      go build -ldflags "-s -w -X github.com/kyverno/kyverno/pkg/version.BuildVersion=$version" \
        -o "$work/out/kyverno" github.com/kyverno/kyverno/cmd/cli/kubectl-kyverno
    )
  }

  # Same -X flags as helm's Makefile: without the k8s version ones, `helm template` assumes
  # Kubernetes v1.20 (and fails charts with a kubeVersion constraint). helm v3.22.0 builds
  # against k8s.io/client-go v0.37.0, i.e. Kubernetes 1.37.
  local helm_ldflags="-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION \
    -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=37 \
    -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=37"
  local ggcr=github.com/google/go-containerregistry/cmd

  go_tool_install kyverno "$KYVERNO_VERSION" _build_kyverno
  go_tool_install helm "$HELM_VERSION" go_install helm.sh/helm/v3/cmd/helm -ldflags "$helm_ldflags"
  go_tool_install kubectl-validate "$KUBECTL_VALIDATE_VERSION" go_install sigs.k8s.io/kubectl-validate
  go_tool_install crane "$GGCR_VERSION" go_install "$ggcr/crane" -ldflags "-s -w"
  go_tool_install registry "$GGCR_VERSION" go_install "$ggcr/registry" -ldflags "-s -w"
  go_tool_install cosign "$COSIGN_VERSION" go_install github.com/sigstore/cosign/v3/cmd/cosign \
    -ldflags "-s -w -X sigs.k8s.io/release-utils/version.gitVersion=$COSIGN_VERSION"

  # Neither go.mod has a replace directive, so `go install` builds them as released; main.version
  # is what `syft version` / `grype version` report (their goreleaser sets the same -X flag).
  go_tool_install syft "$SYFT_VERSION" go_install github.com/anchore/syft/cmd/syft \
    -ldflags "-s -w -X main.version=${SYFT_VERSION#v}"
  go_tool_install grype "$GRYPE_VERSION" go_install github.com/anchore/grype/cmd/grype \
    -ldflags "-s -w -X main.version=${GRYPE_VERSION#v}"

  # CRDs the clusters provide, not a chart (the EKS snapshot-controller add-on, AKS and GKE built in):
  # snapshot.storage.k8s.io, for the platform chart's VolumeSnapshotClass. From the module zip of
  # external-snapshotter's client (config/crd), through the Go module proxy. v8.6.0 is the oldest
  # v8 the proxy serves here; the v1 VolumeSnapshotClass schema is the same in every v8 release.
  local SNAPSHOT_CRDS_VERSION="v8.6.0"
  local crd_root="$go_tool_cache/crds"
  local snapshot_dir="$go_tool_cache/snapshot-crds-$SNAPSHOT_CRDS_VERSION"
  if [[ ! -s "$snapshot_dir/snapshot.storage.k8s.io_volumesnapshotclasses.yaml" ]]; then
    echo "[tools] fetching snapshot.storage.k8s.io CRDs (external-snapshotter client $SNAPSHOT_CRDS_VERSION)" >&2
    local mod_dir
    mod_dir="$(cd "$(mktemp -d)" && GOFLAGS=-mod=mod go mod download -json "github.com/kubernetes-csi/external-snapshotter/client/v8@$SNAPSHOT_CRDS_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
    [[ -n "$mod_dir" && -d "$mod_dir/config/crd" ]] || { echo "[tools] external-snapshotter client $SNAPSHOT_CRDS_VERSION has no config/crd" >&2; return 1; }
    rm -rf "$snapshot_dir.tmp" && mkdir -p "$snapshot_dir.tmp"
    cp "$mod_dir"/config/crd/snapshot.storage.k8s.io_*.yaml "$snapshot_dir.tmp/"
    chmod u+w "$snapshot_dir.tmp"/*
    rm -rf "$snapshot_dir" && mv "$snapshot_dir.tmp" "$snapshot_dir"
  fi
  mkdir -p "$crd_root"
  ln -sfn "$snapshot_dir" "$crd_root/snapshot.storage.k8s.io"

  echo "$bindir"
}

if [[ "${BASH_SOURCE[0]}" != "$0" ]]; then
  # Sourced: run in a subshell so `set -euo pipefail` does not leak into the caller.
  if PLATFORM_TOOLS_BIN="$(bash "${BASH_SOURCE[0]}")"; then
    export PLATFORM_TOOLS_BIN
    case ":$PATH:" in *":$PLATFORM_TOOLS_BIN:"*) ;; *) export PATH="$PLATFORM_TOOLS_BIN:$PATH" ;; esac
  else
    echo "[tools] installation failed" >&2
    return 1
  fi
else
  _platform_tools_main "$@"
fi
