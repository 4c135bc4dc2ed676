// The notification activities: the worker's default `notify`, and one signed webhook POST per
// attempt. The retry policy (deliverNotification's, apart from the Atlas steps') is the resend loop:
// network errors, 408, 429 and 5xx fail retryably; any other 4xx and a missing secret do not.
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { DeliverNotificationInput, NotifyActivities } from '../contract/index.js';
import type { NotifyWorkerConfig } from '../notify/config.js';
import { postWebhook, redactUrl, renderBody, signBody } from '../notify/webhook.js';

const RETRYABLE_STATUS = (s: number) => s === 408 || s === 429 || s >= 500;

export function notifyActivities(config: NotifyWorkerConfig, timeoutMs = 10_000): NotifyActivities {
  return {
    async notifyDefaults() {
      return config.defaults;
    },
    async sendNotification({ notify, body }: DeliverNotificationInput) {
      const { attempt } = Context.current().info;
      const secret = config.secrets[notify.secretEnv];
      if (!secret) {
        throw ApplicationFailure.nonRetryable(
          `${notify.secretEnv} is not set on the worker: set it to the webhook's shared secret ` +
            '(webhooks are always signed), or name another variable in notify.secretEnv',
          'WebhookMisconfigured',
        );
      }
      const text = renderBody(body, notify.format);
      const where = `${body.event} webhook to ${redactUrl(notify.url)}`;
      let answer;
      try {
        answer = await postWebhook(notify.url, text, signBody(text, secret), timeoutMs);
      } catch (err) {
        const code = (err as { code?: string }).code ?? 'no code';
        throw ApplicationFailure.retryable(`${where} failed (attempt ${attempt}): ${code}`, 'WebhookUnreachable');
      }
      if (answer.status < 300) return { status: answer.status, attempts: attempt };
      const message = `${where} answered HTTP ${answer.status} (attempt ${attempt}): ${answer.excerpt}`;
      if (RETRYABLE_STATUS(answer.status)) throw ApplicationFailure.retryable(message, 'WebhookUnavailable');
      throw ApplicationFailure.nonRetryable(`${message}. Fix the receiver or notify.url.`, 'WebhookRejected');
    },
  };
}
