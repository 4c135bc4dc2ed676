// One webhook POST: the body in the chosen format, signed with HMAC-SHA256 over the exact bytes
// sent, so a receiver can check it came from a worker holding the shared secret.
import { createHmac } from 'node:crypto';
import { request } from 'undici';
import { SIGNATURE_HEADER, type NotificationBody, type NotificationFormat } from '../contract/index.js';

/** `sha256=<hex>`: the value of X-Signature for `body` (what a receiver recomputes and compares). */
export function signBody(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Slack's incoming-webhook shape: text for the notification, blocks for a readable message. */
export function slackMessage(n: NotificationBody): { text: string; blocks: unknown[] } {
  const lines = [n.summary];
  const f = n.failure;
  if (f) lines.push(`*${f.type}*${f.step ? ` in ${f.step}` : ''}: ${f.message}`);
  if (n.approval) {
    lines.push(`Overwrites ${n.approval.overwrite} with ${n.approval.with}; decide before ${n.approval.deadline}.`);
    lines.push(`Approve: \`${n.approval.approveCommand}\``, `Reject: \`${n.approval.rejectCommand}\``);
  }
  lines.push(`Run: \`${n.run.workflowId}\` (${n.run.workflowType}, ${n.event})`);
  const text = lines.join('\n');
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}

export function renderBody(n: NotificationBody, format: NotificationFormat): string {
  return JSON.stringify(format === 'slack' ? slackMessage(n) : n);
}

export interface WebhookAnswer {
  status: number;
  /** The first bytes of the answer, for error messages (receivers rarely echo secrets; we never send one). */
  excerpt: string;
}

/** POSTs the body; network failures reject, any HTTP answer resolves. */
export async function postWebhook(
  url: string,
  body: string,
  signature: string | undefined,
  timeoutMs: number,
): Promise<WebhookAnswer> {
  const res = await request(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'user-agent': 'atlas-backup-orchestrator',
      ...(signature ? { [SIGNATURE_HEADER.toLowerCase()]: signature } : {}),
    },
    body,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
  const text = await res.body.text();
  return { status: res.statusCode, excerpt: text.slice(0, 200) };
}

/** A URL safe to print: no credentials, query string or path (Slack puts its token in the path). */
export const redactUrl = (url: string): string => {
  const u = new URL(url);
  return `${u.protocol}//${u.host}/…`;
};
