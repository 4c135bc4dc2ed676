#!/bin/sh
# One-shot (temporalio/admin-tools): waits until the Temporal server serves, then creates the
# namespace atlas-backup runs in (the plain temporalio/server image creates none). Safe to run again.
# The search attributes and the per-project pace are registered next by `atlas-backup setup`.
set -eu
NAMESPACE="${TEMPORAL_NAMESPACE:-default}"
RETENTION="${TEMPORAL_NAMESPACE_RETENTION:-7d}"
ATTEMPTS=60

i=1
until temporal operator cluster health >/dev/null 2>&1; do
  if [ "$i" -ge "$ATTEMPTS" ]; then
    echo "namespace: Temporal at $TEMPORAL_ADDRESS did not report SERVING after $ATTEMPTS tries" >&2
    exit 1
  fi
  i=$((i + 1))
  sleep 2
done

if temporal operator namespace describe --namespace "$NAMESPACE" >/dev/null 2>&1; then
  echo "namespace: $NAMESPACE already exists"
else
  temporal operator namespace create --namespace "$NAMESPACE" --retention "$RETENTION"
  echo "namespace: $NAMESPACE created (retention $RETENTION)"
fi
