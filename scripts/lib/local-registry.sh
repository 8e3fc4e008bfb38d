# shellcheck shell=bash
# A throwaway in-memory OCI registry on localhost for the offline supply-chain checks
# (verify-policies.sh: the signature suite; verify-mirror.sh: the mirror pipeline end to end).
# Sourced after `work` (a temporary directory) is set. Defines:
#   local_registry_start PORT PORT_VARIABLE_NAME
#       refuses a port something already serves, starts `registry -port PORT` (log in
#       $work/registry.log) and waits until it answers; returns 1 with one line on stderr if not.
#   local_registry_stop     kills it (safe to call twice).
# and, when sourced, an EXIT trap that stops the registry and removes $work.
local_registry_pid=""
trap 'local_registry_stop; rm -rf "$work"' EXIT

local_registry_start() {
  local port="$1" variable="$2" reg="localhost:$1"
  if crane catalog "$reg" >/dev/null 2>&1; then
    echo "something already serves a registry on $reg; stop it or set $variable" >&2
    return 1
  fi
  registry -port "$port" >"$work/registry.log" 2>&1 &
  local_registry_pid=$!
  for _ in $(seq 1 50); do
    crane catalog "$reg" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "local registry did not start on $reg" >&2
  return 1
}

local_registry_stop() {
  if [[ -n "$local_registry_pid" ]]; then kill "$local_registry_pid" 2>/dev/null || true; fi
  local_registry_pid=""
}
