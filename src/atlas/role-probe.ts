// Whether credentials may create and delete database users (Project Database Access Admin). Every
// read of database users needs only Project Read Only, so no read can tell; the probe is a delete of
// a user no run ever creates. Atlas checks the role before it looks the user up: 404 means the role
// is there, 403 means it is missing, and nothing changes either way.
import type { RequestArgs, ResponseOf } from './operations.js';

/** A name no run ever creates. */
export const ROLE_PROBE_USER = 'abo-role-check';

type DeleteUser = (
  operation: 'deleteDatabaseUser',
  args: RequestArgs<'deleteDatabaseUser'>,
) => Promise<ResponseOf<'deleteDatabaseUser'>>;

/** Makes the probe through `call` (a client's or an attempt's); the caller reads 404 / 403 from its own error. */
export function probeUserAdmin(call: DeleteUser, groupId: string): Promise<unknown> {
  return call('deleteDatabaseUser', { path: { groupId, databaseName: 'admin', username: ROLE_PROBE_USER } });
}
