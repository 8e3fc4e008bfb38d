# shellcheck shell=bash
# Builds pinned Go CLI tools from source through the Go module proxy (no prebuilt-binary
# downloads) into a cache keyed by version:
#   ${PLATFORM_TOOLS_CACHE:-$HOME/.cache/platform-tools}/<tool>-<version>/<tool>
# Sourced (not run) by .ci/tools.sh, .ci/live-tools.sh, .ci/secrets.sh and .ci/actionlint.sh, so every tool is
# built the same way. The callers do their own logging.

go_tool_cache="${PLATFORM_TOOLS_CACHE:-$HOME/.cache/platform-tools}"

# go_tool_dir <name> <version>: the tool's cache directory; the binary is <dir>/<name>.
go_tool_dir() { printf '%s/%s-%s\n' "$go_tool_cache" "$1" "$2"; }

# go_tool_build <name> <version> <builder> [builder args...]: runs
# `<builder> <work> <version> [builder args...]`, which must leave the binary at
# <work>/out/<name>, then renames it into place, so an interrupted build never leaves a
# half-written cache entry. The builder's output goes to stderr. Every step checks its own
# status: callers test the result, which switches `set -e` off in here.
go_tool_build() {
  local name="$1" version="$2" builder="$3"
  shift 3
  local dest work
  dest="$(go_tool_dir "$name" "$version")"
  mkdir -p "$go_tool_cache" &&
    work="$(mktemp -d "$go_tool_cache/.build-$name-XXXXXX")" &&
    mkdir -p "$work/out" || return 1
  if ! (
    # Never let `go` download a newer toolchain behind our back: the installed go must
    # satisfy the modules' go directive (kyverno v1.19.0 needs go >= 1.26.5).
    export GOTOOLCHAIN=local
    # -mod=mod lets `go get`/`go build` in a throwaway module (kyverno) record go.sum entries.
    export GOFLAGS="-trimpath -buildvcs=false -mod=mod"
    export CGO_ENABLED=0
    "$builder" "$work" "$version" "$@"
  ) >&2; then
    rm -rf "$work"
    return 1
  fi
  local status=0
  rm -rf "$dest" && mkdir -p "$dest" && mv "$work/out/$name" "$dest/$name" || status=1
  rm -rf "$work"
  return "$status"
}

# go_install <work> <version> <package> [go install flags...]: the builder for tools that
# `go install <package>@<version>` builds as they are.
go_install() {
  local work="$1" version="$2" package="$3"
  shift 3
  GOBIN="$work/out" go install "$@" "$package@$version"
}

# go_tool_install <name> <version> <builder> [builder args...]: builds the tool unless its
# cache entry exists (go_tool_build), then links the binary into $go_tool_cache/bin. Progress
# goes to stderr, tagged with $GO_TOOL_LOG_TAG (the caller's name).
go_tool_install() {
  local name="$1" version="$2"
  local dest tag="[${GO_TOOL_LOG_TAG:-tools}]"
  dest="$(go_tool_dir "$name" "$version")"
  if [[ -x "$dest/$name" ]]; then
    echo "$tag $name $version: cached at $dest" >&2
  else
    echo "$tag $name $version: building from the Go module proxy (first run only)" >&2
    local start=$SECONDS
    if ! go_tool_build "$@"; then
      echo "$tag $name $version: build FAILED" >&2
      return 1
    fi
    echo "$tag $name $version: built in $((SECONDS - start))s -> $dest" >&2
  fi
  mkdir -p "$go_tool_cache/bin" && ln -sfn "$dest/$name" "$go_tool_cache/bin/$name"
}
