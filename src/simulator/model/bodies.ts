// Request bodies checked with the client's own zod schemas (src/atlas/schemas.ts), so the client
// and the simulator agree on what a valid request is; the first problem becomes Atlas's 400.
import type { z } from 'zod';
import { SimError, validationError } from './errors.js';

export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body))
    throw validationError('body', 'must be a JSON object');
  const r = schema.safeParse(body);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const where = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    const key = [where, issue.keys[0]].filter(Boolean).join('.');
    throw new SimError(400, 'INVALID_ATTRIBUTE', `Invalid attribute ${key} specified.`, [key]);
  }
  throw validationError(where || 'body', issue.message);
}
