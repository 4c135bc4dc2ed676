// Checking a caller-chosen `--id`; the id schemes themselves live with our runs (src/runs).
import { WORKFLOW_ID_PATTERN } from '../runs/index.js';
import { UsageError } from './errors.js';

/** Refuses an `--id` outside WORKFLOW_ID_PATTERN (exit 2, naming the flag and the rule). */
export function checkIdFlag(id: string | undefined): void {
  if (id !== undefined && !WORKFLOW_ID_PATTERN.test(id))
    throw new UsageError('--id must be 1-200 letters, digits, ".", ":", "_" or "-"');
}
