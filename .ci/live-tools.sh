#!/usr/bin/env bash
# Installs the pinned binaries of the live control-plane check (scripts/verify-live.ts),
# built from source through the Go module proxy (no prebuilt-binary downloads) by
# .ci/lib/go-tool.sh, like .ci/tools.sh:
#
#   etcd                the API server's store, v3.6.16.
#   kube-apiserver,     Kubernetes v1.34.4, the version the environments run (their
#   kubectl             kubernetesVersion is 1.34). The version is stamped in with the same
#                       -X flags as Kubernetes' own build (hack/lib/version.sh), so the API
#                       server reports v1.34.4 and Helm's kubeVersion checks see it.
#   kyverno-controller  Kyverno's admission controller (cmd/kyverno), v1.19.0 = the version
#                       of the CLI in .ci/tools.sh and of the kyverno chart 3.9.0 the baseline
#                       installs; it runs outside the cluster and the API server calls it by URL.
#   kyverno-background-controller
#                       Kyverno's background controller (cmd/background-controller), same
#                       version: it executes generate rules (the default-deny NetworkPolicies).
#
# Usage (non-interactive, safe with CI=true and no stdin):
#   bash .ci/live-tools.sh            installs if needed, prints ONE line: the bin dir
#                                     export PATH="$(bash .ci/live-tools.sh):$PATH"
#
# Binaries are cached by version under
#   ${PLATFORM_TOOLS_CACHE:-$HOME/.cache/platform-tools}/<tool>-<version>/<tool>
# and symlinked into ${PLATFORM_TOOLS_CACHE}/bin (the same bin dir as .ci/tools.sh), so a
# second run does no work. A cold build took 7 minutes on 2 cores (kube-apiserver 3.5 of them);
# a cached run takes under a second. Progress goes to stderr; stdout carries only the bin dir.
set -euo pipefail

# Pinned versions. Change them here only; the cache key includes the version.
ETCD_VERSION="v3.6.16"
KUBERNETES_VERSION="v1.34.4"     # k8s.io/kubernetes; its staging modules are published as v0.34.4
KYVERNO_VERSION="v1.19.0"        # = KYVERNO_VERSION in .ci/tools.sh
# kyverno's go.mod (v1.19.0) has exactly one replace directive; the throwaway module repeats
# it (same as the CLI build in .ci/tools.sh).
KYVERNO_REPLACES=(
  "k8s.io/pod-security-admission=github.com/kyverno/pod-security-admission@v0.0.0-20251031094455-46f20778634f"
)
# etcd's server module replaces its sibling modules by relative paths (../api ...), which a
# module that requires it ignores: the throwaway module requires each at the same version.
ETCD_MODULES=(go.etcd.io/etcd/server/v3 go.etcd.io/etcd/api/v3 go.etcd.io/etcd/client/pkg/v3 go.etcd.io/etcd/client/v3 go.etcd.io/etcd/pkg/v3)

# shellcheck source=.ci/lib/go-tool.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/go-tool.sh"
bindir="$go_tool_cache/bin"
mkdir -p "$bindir"

GO_TOOL_LOG_TAG=live-tools

_build_etcd() {
  local work="$1" version="$2"
  mkdir -p "$work/mod"
  (
    cd "$work/mod"
    go mod init platform-tools/etcd >/dev/null 2>&1
    local modules=() m
    for m in "${ETCD_MODULES[@]}"; do modules+=("$m@$version"); done
    go get "${modules[@]}"
    go build -ldflags "-s -w" -o "$work/out/etcd" go.etcd.io/etcd/server/v3
  )
}

# A throwaway module requiring k8s.io/kubernetes, with each replace of its go.mod
# (k8s.io/<staging repo> => ./staging/src/k8s.io/<staging repo>) pointed at the published
# module of that repo (v0.<minor>.<patch>).
_kubernetes_module() {
  local dir="$1" version="$2"
  local staging="v0.${version#v1.}"
  mkdir -p "$dir"
  cd "$dir"
  go mod init platform-tools/kubernetes >/dev/null 2>&1
  local gomod
  gomod="$(go mod download -json "k8s.io/kubernetes@$version" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p')"
  [[ -f "$gomod" ]] || { echo "no go.mod for k8s.io/kubernetes@$version" >&2; return 1; }
  local repo
  for repo in $(sed -n 's#^[[:space:]]*\(k8s\.io/[a-z0-9-]*\) => \./staging/src/.*#\1#p' "$gomod"); do
    go mod edit -replace "$repo=$repo@$staging"
  done
  go mod edit -require "k8s.io/kubernetes@$version"
}

# _build_kubernetes <work> <version> <command>: kube-apiserver or kubectl.
_build_kubernetes() {
  local work="$1" version="$2" command="$3"
  (
    _kubernetes_module "$work/mod" "$version"
    local minor="${version#v1.}"
    minor="${minor%%.*}"
    local ldflags="-s -w"
    local pkg
    for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
      ldflags+=" -X $pkg.gitVersion=$version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
      ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
    done
    go build -ldflags "$ldflags" -o "$work/out/$command" "k8s.io/kubernetes/cmd/$command"
  )
}

# _build_kyverno_controller <work> <version> <binary name> <command>: cmd/kyverno (the
# admission controller) or cmd/background-controller (generate and mutate-existing rules).
_build_kyverno_controller() {
  local work="$1" version="$2" name="$3" command="$4"
  mkdir -p "$work/mod"
  (
    cd "$work/mod"
    go mod init "platform-tools/$name" >/dev/null 2>&1
    local r
    for r in "${KYVERNO_REPLACES[@]}"; do go mod edit -replace "$r"; done
    go get "github.com/kyverno/kyverno/cmd/$command@$version"
    go build -ldflags "-s -w -X github.com/kyverno/kyverno/pkg/version.BuildVersion=$version" \
      -o "$work/out/$name" "github.com/kyverno/kyverno/cmd/$command"
  )
}

go_tool_install etcd "$ETCD_VERSION" _build_etcd
go_tool_install kube-apiserver "$KUBERNETES_VERSION" _build_kubernetes kube-apiserver
go_tool_install kubectl "$KUBERNETES_VERSION" _build_kubernetes kubectl
go_tool_install kyverno-controller "$KYVERNO_VERSION" _build_kyverno_controller kyverno-controller kyverno
go_tool_install kyverno-background-controller "$KYVERNO_VERSION" _build_kyverno_controller kyverno-background-controller background-controller

echo "$bindir"
