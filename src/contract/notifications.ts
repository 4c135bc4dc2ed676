// Webhook notifications: what a run or schedule asks for (`notify` in its input), the events, and
// the body receivers get. The body is a stable, versioned schema: add optional fields freely, bump
// NOTIFICATION_VERSION only for a change an existing receiver would misread. No secret ever lives
// here: the worker signs with a secret it reads from its own environment, by name.
import { z } from 'zod';
import { schema, type InputOf, type OutputOf } from './shared.js';

export const NOTIFICATION_SCHEMA = 'atlas-backup/notification';
export const NOTIFICATION_VERSION = 1;

export const NOTIFICATION_EVENTS = [
  'run.failed',
  'dr.awaiting-approval',
  'dr.completed',
  'pipeline.completed',
  'fleet.summary',
  'restore-test.completed',
] as const;
export type NotificationEventType = (typeof NOTIFICATION_EVENTS)[number];

/** What a run notifies when `notify.events` is not given: everything but the (chatty) pipeline.completed. */
export const DEFAULT_NOTIFICATION_EVENTS: NotificationEventType[] = [
  'run.failed',
  'dr.awaiting-approval',
  'dr.completed',
  'fleet.summary',
];

export const NOTIFICATION_FORMATS = ['json', 'slack'] as const;
export type NotificationFormat = (typeof NOTIFICATION_FORMATS)[number];

/** Secrets are named, never given: the worker reads this variable (the default or one with this prefix). */
export const NOTIFY_SECRET_ENV = 'ATLAS_BACKUP_NOTIFY_SECRET';
const SECRET_ENV_PATTERN = /^ATLAS_BACKUP_NOTIFY_SECRET(_[A-Z0-9_]+)?$/;

export const notifySchema = schema(() =>
  z.strictObject({
    url: z
      .string({ error: 'notify.url is required: the webhook URL (http or https)' })
      .refine((v) => /^https?:\/\//.test(v) && URL.canParse(v), {
        error: 'notify.url must be an http(s) URL, e.g. https://hooks.example.com/atlas-backup',
      }),
    events: z
      .array(z.enum(NOTIFICATION_EVENTS, { error: `notify.events[] must be one of ${NOTIFICATION_EVENTS.join(', ')}` }))
      .default(DEFAULT_NOTIFICATION_EVENTS),
    format: z
      .enum(NOTIFICATION_FORMATS, { error: `notify.format must be one of ${NOTIFICATION_FORMATS.join(', ')}` })
      .default('json'),
    secretEnv: z
      .string()
      .regex(SECRET_ENV_PATTERN, {
        error: `notify.secretEnv must name a worker variable ${NOTIFY_SECRET_ENV} or ${NOTIFY_SECRET_ENV}_<NAME>`,
      })
      .default(NOTIFY_SECRET_ENV),
  }),
);

/** What a caller writes in `notify` (defaults optional). */
export type NotifyRequest = InputOf<typeof notifySchema>;
/** Where and how to notify, defaults applied. */
export type NotifySpec = OutputOf<typeof notifySchema>;

export const notificationBodySchema = schema(() =>
  z.object({
    schema: z.literal(NOTIFICATION_SCHEMA),
    version: z.literal(NOTIFICATION_VERSION),
    event: z.enum(NOTIFICATION_EVENTS),
    /** When the run decided to notify (workflow time), ISO 8601. */
    at: z.string(),
    /** One line for humans (the Slack format sends this and the commands). */
    summary: z.string(),
    run: z.object({
      workflowType: z.string(),
      workflowId: z.string(),
      runId: z.string(),
      /** completed | failed | awaiting-approval … */
      outcome: z.string(),
    }),
    cluster: z.object({ groupId: z.string(), clusterName: z.string() }).optional(),
    failure: z.object({ type: z.string(), message: z.string(), step: z.string().optional() }).optional(),
    approval: z
      .object({
        overwrite: z.string(),
        with: z.string(),
        deadline: z.string(),
        approveCommand: z.string(),
        rejectCommand: z.string(),
      })
      .optional(),
    recovery: z
      .object({
        totalSeconds: z.number(),
        phases: z.record(z.string(), z.number()),
        restoreJobId: z.string().optional(),
      })
      .optional(),
    pipeline: z
      .object({
        snapshotId: z.string().optional(),
        exportJobId: z.string().optional(),
        restoreJobId: z.string().optional(),
        atlasRequests: z.number(),
      })
      .optional(),
    restoreTest: z
      .object({
        scratch: z.object({ groupId: z.string(), clusterName: z.string() }),
        snapshotId: z.string().optional(),
        snapshotAgeSeconds: z.number().optional(),
        rtoSeconds: z.number().optional(),
      })
      .optional(),
    fleet: z
      .object({
        total: z.number(),
        completed: z.number(),
        failed: z.number(),
        cancelled: z.number(),
        failedClusters: z.array(z.object({ groupId: z.string(), clusterName: z.string(), message: z.string() })),
      })
      .optional(),
  }),
);

/** The JSON body of every webhook (format json), signed with `X-Signature: sha256=<hex HMAC of the body>`. */
export type NotificationBody = OutputOf<typeof notificationBodySchema>;
export type FleetSummary = NonNullable<NotificationBody['fleet']>;

export const SIGNATURE_HEADER = 'X-Signature';

/** The input of the deliverNotification workflow and of the sendNotification activity. */
export interface DeliverNotificationInput {
  notify: NotifySpec;
  body: NotificationBody;
}

export interface DeliveredNotification {
  status: number;
  attempts: number;
}

/** The activities behind notifications (registered next to the Atlas ones). */
export interface NotifyActivities {
  /** The worker's default `notify` (ATLAS_BACKUP_NOTIFY_* variables), or null; a local activity. */
  notifyDefaults(): Promise<NotifySpec | null>;
  /** One POST, signed; fails retryably on network errors, 408, 429 and 5xx. */
  sendNotification(input: DeliverNotificationInput): Promise<DeliveredNotification>;
}
