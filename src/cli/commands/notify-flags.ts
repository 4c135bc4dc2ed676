// The webhook flags of a run or schedule: where to notify, on what, in which format. The
// signing secret is never a flag: the worker reads it from ATLAS_BACKUP_NOTIFY_SECRET.
import { InvalidArgumentError } from 'commander';
import { NOTIFICATION_EVENTS, NOTIFICATION_FORMATS, type NotificationEventType } from '../../contract/index.js';
import { flag, oneOf, type RequestFlag } from '../parse.js';

/** "run.failed,pipeline.completed" → the events, each checked. */
const eventList = (v: string): NotificationEventType[] =>
  v.split(',').map((e) => {
    const found = NOTIFICATION_EVENTS.find((x) => x === e.trim());
    if (!found) throw new InvalidArgumentError(`each event must be one of ${NOTIFICATION_EVENTS.join(', ')}.`);
    return found;
  });

export const NOTIFY_FLAGS: RequestFlag[] = [
  flag('--notify-url <url>', 'POST signed webhooks about this run here (secret: worker env)', 'notify.url'),
  flag(
    '--notify-events <list>',
    `comma-separated: ${NOTIFICATION_EVENTS.join(', ')} (default: all but pipeline.completed)`,
    'notify.events',
    eventList,
  ),
  flag('--notify-format <format>', 'json (default) or slack', 'notify.format', oneOf(NOTIFICATION_FORMATS)),
];
