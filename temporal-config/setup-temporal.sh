#!/bin/sh
# One-shot set-up of the compose stack's Temporal server, run in temporalio/admin-tools: waits for
# the frontend, creates the namespace if it is missing, and registers every custom search attribute
# of search-attributes.json (mounted beside this script) that the namespace lacks. Safe to re-run.
set -eu

ADDRESS="${TEMPORAL_ADDRESS:-temporal:7233}"
NAMESPACE="${TEMPORAL_NAMESPACE:-default}"
ATTRIBUTES="${SEARCH_ATTRIBUTES_FILE:-/etc/automation-engine/temporal-config/search-attributes.json}"

echo "waiting for Temporal at ${ADDRESS}"
tries=0
until temporal operator cluster health --address "${ADDRESS}" >/dev/null 2>&1; do
  tries=$((tries + 1))
  if [ "${tries}" -ge 90 ]; then
    echo "Temporal at ${ADDRESS} did not become healthy" >&2
    exit 1
  fi
  sleep 2
done

if ! temporal operator namespace describe --address "${ADDRESS}" --namespace "${NAMESPACE}" >/dev/null 2>&1; then
  echo "creating namespace ${NAMESPACE}"
  temporal operator namespace create --address "${ADDRESS}" --namespace "${NAMESPACE}" --retention 7d
fi

# search-attributes.json holds one "Name": "Type" pair a line; the admin-tools image has no jq.
# A namespace just created takes a few seconds to reach every frontend cache.
tries=0
until existing="$(temporal operator search-attribute list --address "${ADDRESS}" --namespace "${NAMESPACE}" 2>/dev/null)"; do
  tries=$((tries + 1))
  if [ "${tries}" -ge 30 ]; then
    echo "namespace ${NAMESPACE} is not usable" >&2
    exit 1
  fi
  sleep 2
done
sed -n 's/^[[:space:]]*"\([A-Za-z0-9_]*\)"[[:space:]]*:[[:space:]]*"\([A-Za-z]*\)".*$/\1 \2/p' "${ATTRIBUTES}" |
  while read -r name type; do
    if printf '%s\n' "${existing}" | grep -qw -- "${name}"; then
      echo "search attribute ${name} already registered"
    else
      echo "registering search attribute ${name} (${type})"
      temporal operator search-attribute create --address "${ADDRESS}" --namespace "${NAMESPACE}" --name "${name}" --type "${type}"
    fi
  done
echo "Temporal is ready for the Automation Engine"
