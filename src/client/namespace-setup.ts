// What a namespace needs before atlas-backup can start runs in it: today only our search attributes
// (runs, schedules and `list` filter on them). Registered through Temporal's operator service, the
// same call `temporal operator search-attribute create` makes.
import type { ConnectionLike } from '@temporalio/client';
import proto from '@temporalio/proto';
import { ALL_SEARCH_ATTRIBUTES } from '../contract/index.js';

const { IndexedValueType } = proto.temporal.api.enums.v1;

export interface SetupReport {
  namespace: string;
  /** Registered by this call. */
  added: string[];
  /** Already registered with the right type (setup is idempotent). */
  present: string[];
}

/** Registers whichever of our search attributes are missing; one registered with another type is an error. */
export async function setupNamespace(connection: ConnectionLike, namespace: string): Promise<SetupReport> {
  const { customAttributes = {} } = await connection.operatorService.listSearchAttributes({ namespace });
  const added: string[] = [];
  const present: string[] = [];
  const toAdd: Record<string, proto.temporal.api.enums.v1.IndexedValueType> = {};
  for (const key of ALL_SEARCH_ATTRIBUTES) {
    const wanted = IndexedValueType[`INDEXED_VALUE_TYPE_${key.type}`];
    const existing = customAttributes?.[key.name];
    if (existing === undefined) {
      toAdd[key.name] = wanted;
      added.push(key.name);
    } else if (existing !== wanted) {
      // Temporal cannot change a search attribute's type; the operator has to decide what to do with it.
      const has = IndexedValueType[existing]?.replace('INDEXED_VALUE_TYPE_', '') ?? String(existing);
      throw new Error(
        `search attribute ${key.name} is registered in namespace ${namespace} as ${has}, atlas-backup needs ` +
          `${key.type}: remove it (temporal operator search-attribute delete) or use another namespace`,
      );
    } else {
      present.push(key.name);
    }
  }
  if (added.length > 0) {
    await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: toAdd });
  }
  return { namespace, added, present };
}
