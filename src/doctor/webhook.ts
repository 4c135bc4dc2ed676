// Webhook reachability (opt-in: doctor never posts an event): any HTTP answer from the URL means the
// network path works; a timeout, refusal or DNS failure is what a run's notification would meet.
import { fail, firstLine, ok, skip, type CheckResult } from './check.js';

const ID = 'webhook.reachable';
const TIMEOUT_MS = 5_000;

/** The URL without its query or credentials (webhook URLs often carry a token in the query). */
const shown = (u: URL) => `${u.protocol}//${u.host}${u.pathname}`;

export async function checkWebhook(url: string | undefined): Promise<CheckResult> {
  if (!url) return skip(ID, 'no webhook URL: give --webhook <url> or set ATLAS_BACKUP_NOTIFY_URL');
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return fail(ID, '--webhook is not a URL: give https://host/path');
  }
  try {
    const res = await fetch(target, { method: 'HEAD', signal: AbortSignal.timeout(TIMEOUT_MS) });
    return ok(ID, `webhook ${shown(target)} reachable (HTTP ${res.status} to HEAD)`);
  } catch (err) {
    const cause = (err as { cause?: unknown }).cause;
    return fail(
      ID,
      `webhook ${shown(target)} unreachable (${firstLine(cause ?? err)}): check the URL and that the workers' ` +
        'network can reach it (proxy, firewall, DNS)',
    );
  }
}
