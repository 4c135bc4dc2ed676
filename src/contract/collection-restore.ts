// Collection-level recovery (Atlas 2026 collection restore jobs) as a DR run asks for it: which
// collections or databases, how they are written on the target, under which names. The rules here
// are the ones Atlas applies to names and sizes, so a request Atlas would refuse is refused before
// any Atlas call, naming the field. Pure: safe in the workflow sandbox.
import { z } from 'zod';
import type { RuleProblem } from './input-rules.js';
import { schema, type OutputOf } from './shared.js';
import { namespaceString } from './verification.js';

export const WRITE_STRATEGIES = ['CREATE_NEW', 'OVERWRITE_EXISTING'] as const;
export type WriteStrategyName = (typeof WRITE_STRATEGIES)[number];
export const INDEX_STRATEGIES = ['ALL', 'NONE', 'ALL_EXCEPT_TTL'] as const;
/** Atlas takes at most this many databases and this many collections per job. */
export const COLLECTION_RESTORE_MAX_ITEMS = 100;

// MongoDB's naming rules, which Atlas applies to the names a job writes: a database name has none of
// /\. "$*<>: |? or NUL and at most 63 bytes; a collection name no $ or NUL; a namespace at most 255 bytes.
const DB_FORBIDDEN = /[/\\. "$*<>:|?\0]/;
const COLLECTION_FORBIDDEN = /[$\0]/;
const DB_MAX_BYTES = 63;
const NAMESPACE_MAX_BYTES = 255;
const SYSTEM_DATABASES = ['admin', 'local', 'config'];
const bytes = (s: string) => new TextEncoder().encode(s).length;

/** `_restored_20261207`: what CREATE_NEW appends when the request names no suffix. */
export const defaultRestoreSuffix = (at: Date): string =>
  `_restored_${at.toISOString().slice(0, 10).replace(/-/g, '')}`;

const databaseName = schema(() =>
  z
    .string()
    .min(1, { error: 'must be a database name' })
    .refine((s) => !DB_FORBIDDEN.test(s) && bytes(s) <= DB_MAX_BYTES, {
      error: `must be a database name (no /\\. "$*<>:|? and at most ${DB_MAX_BYTES} bytes)`,
    })
    .refine((s) => !SYSTEM_DATABASES.includes(s), { error: 'admin, local and config cannot be restored' }),
);

export const collectionRestoreSchema = schema(() =>
  z
    .strictObject({
      /** `database.collection` names, as the snapshot holds them. */
      collections: z.array(namespaceString()).min(1).max(COLLECTION_RESTORE_MAX_ITEMS).optional(),
      /** Whole databases: every collection they hold. */
      databases: z.array(databaseName()).min(1).max(COLLECTION_RESTORE_MAX_ITEMS).optional(),
      writeStrategy: z
        .enum(WRITE_STRATEGIES, { error: `must be one of ${WRITE_STRATEGIES.join(', ')}` })
        .default('CREATE_NEW'),
      indexStrategy: z
        .enum(INDEX_STRATEGIES, { error: `must be one of ${INDEX_STRATEGIES.join(', ')}` })
        .default('ALL'),
      /**
       * Appended to each restored collection's name (collections) or database's name (databases).
       * CREATE_NEW without one gets `_restored_<date>`; '' restores under the source names.
       */
      suffix: z.string().optional(),
      /** Named consent for OVERWRITE_EXISTING: the target cluster's name. */
      overwrite: z.string().optional(),
    })
    .transform((c) => ({
      ...c,
      suffix: c.suffix ?? (c.writeStrategy === 'CREATE_NEW' ? defaultRestoreSuffix(new Date()) : ''),
    })),
);

export type CollectionRestoreSpec = OutputOf<typeof collectionRestoreSchema>;

/** The suffix against the names it will make: Atlas refuses a name MongoDB cannot hold. */
function suffixProblems(c: CollectionRestoreSpec): RuleProblem[] {
  const path = 'collectionRestore.suffix';
  if (!c.suffix) return [];
  if (c.databases) {
    if (DB_FORBIDDEN.test(c.suffix))
      return [{ path, message: `${path} '${c.suffix}' cannot end a database name: no /\\. "$*<>:|?` }];
    const long = c.databases.find((d) => bytes(d + c.suffix) > DB_MAX_BYTES);
    if (long) return [{ path, message: `${path} makes '${long}${c.suffix}', longer than ${DB_MAX_BYTES} bytes` }];
    return [];
  }
  if (COLLECTION_FORBIDDEN.test(c.suffix))
    return [{ path, message: `${path} '${c.suffix}' cannot end a collection name: no $ or NUL` }];
  const long = (c.collections ?? []).find((n) => bytes(n + c.suffix) > NAMESPACE_MAX_BYTES);
  if (long) return [{ path, message: `${path} makes '${long}${c.suffix}', longer than ${NAMESPACE_MAX_BYTES} bytes` }];
  return [];
}

function scopeProblems(c: CollectionRestoreSpec): RuleProblem[] {
  const given = [c.collections, c.databases].filter((x) => x !== undefined).length;
  if (given === 1) {
    const list = c.collections ?? c.databases ?? [];
    const dup = list.find((n, i) => list.indexOf(n) !== i);
    const field = c.collections ? 'collectionRestore.collections' : 'collectionRestore.databases';
    return dup ? [{ path: field, message: `${field} names '${dup}' twice` }] : [];
  }
  const message =
    given === 0
      ? 'collectionRestore needs collections (--collections db.coll,…) or databases (--databases db,…)'
      : 'collectionRestore takes collections (--collections) or databases (--databases), not both';
  return [{ path: 'collectionRestore.collections', message }];
}

/** Overwriting needs the target cluster named; a suffix belongs to CREATE_NEW. */
function consentProblems(c: CollectionRestoreSpec, target: { clusterName: string } | undefined): RuleProblem[] {
  const path = 'collectionRestore.overwrite';
  if (c.writeStrategy === 'CREATE_NEW') {
    if (c.overwrite === undefined) return [];
    return [{ path, message: `${path} is consent for writeStrategy OVERWRITE_EXISTING, not CREATE_NEW` }];
  }
  const problems: RuleProblem[] = [];
  if (c.suffix)
    problems.push({
      path: 'collectionRestore.suffix',
      message: 'collectionRestore.suffix applies to CREATE_NEW; OVERWRITE_EXISTING replaces the source names',
    });
  if (!target) return problems;
  if (c.overwrite !== target.clusterName)
    problems.push({
      path,
      message:
        c.overwrite === undefined
          ? `${path} is required: OVERWRITE_EXISTING drops and replaces the restored namespaces on cluster ` +
            `'${target.clusterName}'. To consent, name it: collectionRestore.overwrite = '${target.clusterName}' ` +
            `(CLI: --overwrite ${target.clusterName})`
          : `${path} ('${c.overwrite}') must name the target cluster ('${target.clusterName}'): consent is ` +
            'given for the cluster whose collections are replaced',
    });
  return problems;
}

/** The rules of a collection restore within a DR request (source kind, delivery, consent, names). */
export function collectionRestoreProblems(r: {
  collectionRestore?: CollectionRestoreSpec;
  source: { kind: string };
  deliveryType: string;
  target?: { clusterName: string };
}): RuleProblem[] {
  const c = r.collectionRestore;
  if (!c) return [];
  const problems: RuleProblem[] = [];
  if (r.source.kind !== 'dedicated')
    problems.push({
      path: 'source.kind',
      message: `collection restores need a dedicated source cluster, not ${r.source.kind}`,
    });
  if (r.deliveryType === 'download')
    problems.push({
      path: 'deliveryType',
      message: 'a collection restore writes into a target cluster: deliveryType download does not apply',
    });
  return [...problems, ...scopeProblems(c), ...suffixProblems(c), ...consentProblems(c, r.target)];
}

/** Where one source namespace was restored, and how its part of the job ended. */
export interface CollectionOutcome {
  sourceNamespace: string;
  /** The name Atlas wrote (after a clash rename, its effectiveTargetNamespace). */
  targetNamespace: string;
  state: string;
  restoredDocuments?: number;
  totalDocuments?: number;
  errorMessage?: string;
}

/** A collection restore as status and report show it. */
export interface CollectionRestoreReport {
  jobId?: string;
  state?: string;
  writeStrategy: WriteStrategyName;
  restoredDocuments?: number;
  totalDocuments?: number;
  /** Per collection, once Atlas lists them (the job's end). */
  collections?: CollectionOutcome[];
}
