// Atlas's path-parameter rules (atlas-spec/atlas-api/NOTES.md, "Path parameter formats"): the input
// schemas check ids and names before anything starts, and the Atlas client before any request.

/** Project, snapshot, bucket, job ids: 24 lowercase hex characters. */
export const ID_PATTERN = /^([a-f0-9]{24})$/;
/** Cluster names: letters, digits and hyphens, not starting with a hyphen. */
export const CLUSTER_NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9-]*$/;
