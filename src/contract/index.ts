// The contract: everything that crosses a boundary between the CLI, clients, workflows and
// activities. Everyone points down to it; it imports nothing else of ours.
export * from './activities.js';
export * from './collection-restore.js';
export * from './definitions.js';
export * from './dr-inputs.js';
export * from './failures.js';
export * from './fleet.js';
export * from './fleet-inputs.js';
export * from './ids.js';
export * from './inputs.js';
export * from './input-rules.js';
export * from './metrics.js';
export * from './notifications.js';
export * from './outcomes.js';
export * from './overwrite-consent.js';
export * from './restore-test.js';
export * from './prune.js';
export * from './results.js';
export * from './search-attributes.js';
export * from './status.js';
export * from './verification.js';
export * from './workflow-ids.js';
export * from './pacing.js';
export type { InputOf, OutputOf, Schema } from './shared.js';
