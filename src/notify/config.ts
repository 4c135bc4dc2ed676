// The worker's notification settings, from its environment: the default `notify` for runs that give
// none, and the signing secrets (read here, kept in the worker, never in a workflow input or history).
import { notifySchema, NOTIFY_SECRET_ENV, type NotifySpec } from '../contract/index.js';

export interface NotifyWorkerConfig {
  /** ATLAS_BACKUP_NOTIFY_URL/_EVENTS/_FORMAT: used by runs whose input has no `notify`. */
  defaults: NotifySpec | null;
  /** Every ATLAS_BACKUP_NOTIFY_SECRET* variable, by name (a run names the one it signs with). */
  secrets: Record<string, string>;
}

type Env = Record<string, string | undefined>;

/** Problems name the variable, never a value; an unset URL means no default (not an error). */
export function notifyConfigFromEnv(env: Env): { config: NotifyWorkerConfig; problems: string[] } {
  const secrets: Record<string, string> = {};
  for (const [name, value] of Object.entries(env))
    if (name.startsWith(NOTIFY_SECRET_ENV) && value?.trim()) secrets[name] = value.trim();
  const url = env.ATLAS_BACKUP_NOTIFY_URL?.trim();
  if (!url) return { config: { defaults: null, secrets }, problems: [] };
  const events = env.ATLAS_BACKUP_NOTIFY_EVENTS?.split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  const format = env.ATLAS_BACKUP_NOTIFY_FORMAT?.trim() || undefined;
  const parsed = notifySchema().safeParse({
    url,
    ...(events?.length ? { events } : {}),
    ...(format ? { format } : {}),
  });
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (i) => `ATLAS_BACKUP_NOTIFY_${String(i.path[0] ?? 'url').toUpperCase()}: ${i.message}`,
    );
    return { config: { defaults: null, secrets }, problems };
  }
  return { config: { defaults: parsed.data, secrets }, problems: [] };
}
