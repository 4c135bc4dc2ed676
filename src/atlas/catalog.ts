// The operation table as the simulator's router reads it (method, path, versions): the same
// entries as operations.ts, without the schemas' types. Plus the API versions Atlas publishes.
import { operations, type OperationId, type OperationInfo } from './operations.js';

export type { HttpMethod, OperationId, OperationInfo } from './operations.js';
export { operationIds } from './operations.js';

export const catalog: Readonly<Record<OperationId, OperationInfo>> = operations;

/** API version dates Atlas publishes (NOTES.md); anything else in an Accept header is unknown. */
export const KNOWN_API_VERSIONS = [
  '2023-01-01',
  '2023-02-01',
  '2023-10-01',
  '2023-11-15',
  '2024-05-30',
  '2024-08-05',
  '2024-10-23',
  '2024-11-13',
  '2025-02-19',
  '2025-03-12',
] as const;

/** Path parameter rules (NOTES.md, "Path parameter formats"), shared with the input schemas. */
export { CLUSTER_NAME_PATTERN, ID_PATTERN } from '../contract/ids.js';
