// Data verification: what a restore is checked against (a manifest of the source, a canary, the
// user's validation queries), the options of the check, and the verdict table it produces. Pure:
// safe in the workflow sandbox. Sizes are bounded so a manifest or a verdict table fits one
// Temporal payload (see MANIFEST_LIMITS).
import { z } from 'zod';
import { schema, type InputOf, type OutputOf } from './shared.js';

/** The failure type of a run whose restored data did not verify. Not retryable: the data is what it is. */
export const VERIFICATION_FAILED = 'VerificationFailed';

/** The database the canary lives in (excluded from manifests), and its collection. */
export const CANARY_DATABASE = 'atlas_backup_canary';
export const CANARY_COLLECTION = 'canaries';

/**
 * A manifest holds at most 1,000 namespaces and 3,000 index specs in all, so it stays near 0.5 MB
 * even with long names: under Temporal's 2 MB payload limit with room for the rest of the input.
 * Collections past the first 1,000 (in db.collection order) are counted in `omittedNamespaces`.
 */
export const MANIFEST_LIMITS = { namespaces: 1_000, indexes: 3_000, queries: 50, filterBytes: 4_096 } as const;

// Read-only query operators MongoDB's find/count accept (comparison, logical, element, evaluation
// without JavaScript, array, bitwise, geospatial, comments). Anything else starting with `$` is refused.
const QUERY_OPERATORS = new Set(
  (
    '$eq $ne $gt $gte $lt $lte $in $nin $and $or $nor $not $exists $type $regex $options $mod $text $search ' +
    '$language $caseSensitive $diacriticSensitive $all $elemMatch $size $bitsAllClear $bitsAllSet ' +
    '$bitsAnyClear $bitsAnySet $geoWithin $geoIntersects $geometry $box $center $centerSphere $polygon ' +
    '$maxDistance $minDistance $comment $jsonSchema $expr'
  ).split(' '),
);
// Operators that run JavaScript on the server: refused at any depth, $expr's expressions included.
const JS_OPERATORS = new Set(['$where', '$function', '$accumulator']);
const UPDATE_OPERATORS = new Set(
  '$set $unset $inc $mul $rename $setOnInsert $currentDate $min $max $push $pull $pullAll $addToSet $pop $bit'.split(
    ' ',
  ),
);
// Operators that also name geometry (`$near`) need an index and sort: not allowed in a count.
const NOT_IN_COUNT = new Set(['$near', '$nearSphere']);

type Problem = { path: (string | number)[]; message: string };

/** Problems of a MongoDB filter, each with the path of the offending key. */
export function filterProblems(value: unknown, path: (string | number)[] = [], inExpr = false): Problem[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => filterProblems(v, [...path, i], inExpr));
  if (value === null || typeof value !== 'object') return [];
  const problems: Problem[] = [];
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    const at = [...path, key];
    if (key.startsWith('$')) {
      const message = operatorProblem(key, inExpr);
      if (message) {
        problems.push({ path: at, message });
        continue;
      }
    }
    problems.push(...filterProblems(v, at, inExpr || key === '$expr'));
  }
  return problems;
}

function operatorProblem(op: string, inExpr: boolean): string | undefined {
  if (JS_OPERATORS.has(op)) return `${op} runs JavaScript on the server and is not allowed in a validation query`;
  if (inExpr) return undefined; // aggregation expressions: only the JavaScript ones are refused
  if (UPDATE_OPERATORS.has(op)) return `${op} is an update operator; a validation query is a read-only filter`;
  if (NOT_IN_COUNT.has(op)) return `${op} cannot be used in a count; use $geoWithin`;
  if (!QUERY_OPERATORS.has(op)) return `${op} is not a read-only query operator MongoDB knows`;
  return undefined;
}

// MongoDB's naming rules: database names without /\. "$*<>:|? and at most 63 bytes; collection
// names without $ and not in the system. space.
const DB_NAME = /^[^/\\. "$*<>:|?]{1,63}$/;
const COLLECTION_NAME = /^(?!system\.)[^$]{1,200}$/;

/** `db.collection`: the first dot splits the database from the collection. */
export const namespaceString = schema(() =>
  z.string().refine(
    (s) => {
      const dot = s.indexOf('.');
      return dot > 0 && DB_NAME.test(s.slice(0, dot)) && COLLECTION_NAME.test(s.slice(dot + 1));
    },
    { error: 'must be db.collection (a valid database name, a dot, a collection name without $ or system.)' },
  ),
);

const count = schema(() => z.number().int().nonnegative());

export const expectationSchema = schema(() =>
  z.union([
    z.strictObject({ count: count() }),
    z
      .strictObject({ min: count().optional(), max: count().optional() })
      .refine((e) => e.min !== undefined || e.max !== undefined, { error: 'needs count, or min and/or max' })
      .refine((e) => e.min === undefined || e.max === undefined || e.min <= e.max, {
        error: 'min must be <= max',
        path: ['min'],
      }),
  ]),
);

export const validationQuerySchema = schema(() =>
  z.strictObject({
    collection: namespaceString(),
    filter: z
      .record(z.string(), z.unknown())
      .refine((f) => JSON.stringify(f).length <= MANIFEST_LIMITS.filterBytes, {
        error: `must be at most ${MANIFEST_LIMITS.filterBytes} bytes of JSON`,
      })
      .superRefine((f, ctx) => {
        for (const p of filterProblems(f)) ctx.addIssue({ code: 'custom', path: p.path, message: p.message });
      }),
    expect: expectationSchema(),
  }),
);
export type ValidationQuery = OutputOf<typeof validationQuerySchema>;

export const indexSpecSchema = schema(() =>
  z.object({
    name: z.string().min(1).max(255),
    key: z.record(z.string(), z.union([z.number(), z.string()])),
    unique: z.boolean().optional(),
    expireAfterSeconds: z.number().int().nonnegative().optional(),
  }),
);
export type ManifestIndex = OutputOf<typeof indexSpecSchema>;

export const manifestSchema = schema(() =>
  z.object({
    /** ISO 8601, when the source was read. */
    capturedAt: z.iso.datetime(),
    namespaces: z
      .array(
        z.object({
          db: z.string().min(1),
          collection: z.string().min(1),
          count: count(),
          indexes: z.array(indexSpecSchema()).max(64),
        }),
      )
      .max(MANIFEST_LIMITS.namespaces)
      .refine((ns) => ns.reduce((n, x) => n + x.indexes.length, 0) <= MANIFEST_LIMITS.indexes, {
        error: `at most ${MANIFEST_LIMITS.indexes} index specs in all`,
      }),
    /** Collections the source held beyond the bounds, not verified. */
    omittedNamespaces: count().default(0),
  }),
);
export type Manifest = OutputOf<typeof manifestSchema>;

export const canarySchema = schema(() => z.object({ runId: z.string().min(1).max(255), at: z.iso.datetime() }));
export type Canary = OutputOf<typeof canarySchema>;

export const verificationOptionsSchema = schema(() =>
  z.strictObject({
    /**
     * Allowed difference between the manifest's count and the target's, as a fraction of the
     * manifest's count (0.01 = 1%): writes between the manifest and the snapshot move counts a
     * little. A collection that held documents and is found empty always fails.
     */
    countTolerance: z.number().min(0).max(1).default(0.01),
    /** Every index of the manifest must exist on the target (by key pattern, and unique/TTL options). */
    requireIndexes: z.boolean().default(true),
    /** Look for the canary document the run wrote before the snapshot. */
    canary: z.boolean().optional(),
    queries: z.array(validationQuerySchema()).max(MANIFEST_LIMITS.queries).optional(),
    /**
     * `estimated` (the default) reads the count from collection metadata (`$collStats`): constant time,
     * exact on a cleanly restored cluster. `exact` counts documents (an aggregation scan per collection).
     */
    countMethod: z.enum(['estimated', 'exact']).default('estimated'),
  }),
);
export type VerificationOptions = OutputOf<typeof verificationOptionsSchema>;
export type VerificationOptionsInput = InputOf<typeof verificationOptionsSchema>;

export const VERDICTS = [
  'ok',
  'missing',
  'count-outside-tolerance',
  'index-missing',
  'canary-missing',
  'query-failed',
] as const;
export type VerdictKind = (typeof VERDICTS)[number];

export const verdictSchema = schema(() =>
  z.object({
    namespace: z.string(),
    verdict: z.enum(VERDICTS),
    expected: z.union([z.number(), z.string()]).optional(),
    actual: z.union([z.number(), z.string()]).optional(),
    detail: z.string().max(500),
  }),
);
export type Verdict = OutputOf<typeof verdictSchema>;

export const verificationReportSchema = schema(() =>
  z.object({
    verdicts: z.array(verdictSchema()).max(MANIFEST_LIMITS.namespaces + MANIFEST_LIMITS.queries + 1),
    summary: z.object({
      ok: z.boolean(),
      checked: count(),
      failed: count(),
      byVerdict: z.partialRecord(z.enum(VERDICTS), count()),
      countMethod: z.enum(['estimated', 'exact']),
      seconds: z.number().nonnegative(),
      /** What was not checked and why (e.g. TTL indexes on a server that cannot hold them). */
      notes: z.array(z.string().max(500)).max(20),
    }),
  }),
);
export type VerificationReport = OutputOf<typeof verificationReportSchema>;

/**
 * The opt-in data check after a restore (`restore.verify` of the pipeline, `verify` of DR): read the
 * target as a temporary read-only database user and compare it with the snapshot's namespaces
 * (Atlas's snapshot browsing) and the given validation queries. Needs Project Database Access Admin.
 */
export const restoreVerifySchema = schema(() =>
  z.strictObject({
    /** As verificationOptionsSchema's countTolerance (counts come from validation queries here). */
    countTolerance: z.number().min(0).max(1).optional(),
    queries: z.array(validationQuerySchema()).max(MANIFEST_LIMITS.queries).optional(),
  }),
);
export type RestoreVerifySpec = OutputOf<typeof restoreVerifySchema>;

/**
 * A pipeline restore's verify (`restore.verify`): as a DR's, and the pipeline also compares with the
 * manifest it captures from the source right before its snapshot. `canary` also writes a canary
 * document to the source's `atlas_backup_canary` database then, and looks for it on the target.
 */
export const pipelineRestoreVerifySchema = schema(() =>
  restoreVerifySchema().extend({
    canary: z.boolean({ error: 'restore.verify.canary must be true or false' }).optional(),
  }),
);
export type PipelineRestoreVerifySpec = OutputOf<typeof pipelineRestoreVerifySchema>;

/**
 * The opt-in check of an export (`export.verify`): after the job succeeds, the bucket is read with
 * the AWS SDK's own credential chain (never credentials from the input): the `.complete` file and
 * its customData, one data file per collection of the manifest, and each file's document count.
 */
export const exportVerifySchema = schema(() =>
  z.strictObject({
    /** As verificationOptionsSchema's countTolerance, for the exported files' document counts. */
    countTolerance: z.number().min(0).max(1).optional(),
  }),
);
export type ExportVerifySpec = OutputOf<typeof exportVerifySchema>;

/** What a verification found, in counts: the run's status and result carry it. */
export interface VerificationSummary {
  ok: boolean;
  /** Namespaces (and queries) found as expected, and those that were not. */
  okNamespaces: number;
  failedNamespaces: number;
  checked: number;
  seconds: number;
  notes: string[];
  /** The verdict per namespace (and query), failures first: `status`, `watch` and `--json` show them. */
  verdicts?: Verdict[];
}

/** A report as the summary a status and a result carry. */
export function summaryOf(report: VerificationReport): VerificationSummary {
  const s = report.summary;
  const rank = (v: Verdict) => (v.verdict === 'ok' ? 1 : 0);
  return {
    ok: s.ok,
    okNamespaces: s.checked - s.failed,
    failedNamespaces: s.failed,
    checked: s.checked,
    seconds: s.seconds,
    notes: s.notes,
    verdicts: [...report.verdicts].sort((a, b) => rank(a) - rank(b)),
  };
}

/** The verdict table a VerificationFailed message carries at most (characters). */
export const VERDICT_TABLE_LIMIT = 8_000;
