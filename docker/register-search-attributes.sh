#!/bin/sh
# One-shot: registers the search attributes the workflows upsert (src/workflows/search-attributes.ts)
# so `atlas-backup list` and the Temporal UI can filter runs. Safe to run again.
set -eu
ADDRESS="${TEMPORAL_ADDRESS:-temporal:7233}"
NAMESPACE="${TEMPORAL_NAMESPACE:-default}"
for name in AtlasProject AtlasCluster BackupPhase DrSource DrTarget FleetId; do
  if temporal operator search-attribute list --address "$ADDRESS" --namespace "$NAMESPACE" | grep -qw "$name"; then
    echo "search attribute $name already registered"
  else
    temporal operator search-attribute create --address "$ADDRESS" --namespace "$NAMESPACE" --name "$name" --type Keyword
  fi
done
