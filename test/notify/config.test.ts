// Notification settings: the worker's environment, the run's `notify` field and the CLI flags.
import { describe, expect, it } from 'vitest';
import { buildBackupRequest } from '../../src/cli/commands/request.js';
import { backupPipelineInputSchema } from '../../src/contract/index.js';
import { notifyConfigFromEnv } from '../../src/notify/config.js';
import { signBody, slackMessage } from '../../src/notify/webhook.js';
import { DEMO_IDS } from '../../src/simulator/index.js';

const base = { groupId: DEMO_IDS.projectId, clusterName: 'c1' };

describe('notification settings', () => {
  it('reads the worker default and every ATLAS_BACKUP_NOTIFY_SECRET* from the environment', () => {
    const { config, problems } = notifyConfigFromEnv({
      ATLAS_BACKUP_NOTIFY_URL: 'https://hooks.example.com/x',
      ATLAS_BACKUP_NOTIFY_EVENTS: 'run.failed, dr.completed',
      ATLAS_BACKUP_NOTIFY_FORMAT: 'slack',
      ATLAS_BACKUP_NOTIFY_SECRET: 's1',
      ATLAS_BACKUP_NOTIFY_SECRET_TEAM_B: 's2',
      OTHER_SECRET: 'never',
    });
    expect(problems).toEqual([]);
    expect(config.defaults).toMatchObject({ events: ['run.failed', 'dr.completed'], format: 'slack' });
    expect(config.secrets).toEqual({ ATLAS_BACKUP_NOTIFY_SECRET: 's1', ATLAS_BACKUP_NOTIFY_SECRET_TEAM_B: 's2' });
  });

  it('names the bad variable and never echoes its value', () => {
    const { problems } = notifyConfigFromEnv({
      ATLAS_BACKUP_NOTIFY_URL: 'ftp://user:hunter2@example.com',
      ATLAS_BACKUP_NOTIFY_EVENTS: 'run.exploded',
    });
    expect(problems.join('\n')).toMatch(/^ATLAS_BACKUP_NOTIFY_URL: .*http\(s\) URL/m);
    expect(problems.join('\n')).toMatch(/^ATLAS_BACKUP_NOTIFY_EVENTS: /m);
    expect(problems.join('\n')).not.toContain('hunter2');
  });

  it('accepts notify in a run input but never a secret, only the name of a worker variable', () => {
    const ok = backupPipelineInputSchema().parse({ ...base, notify: { url: 'https://h.example.com/' } });
    expect(ok.notify).toEqual({
      url: 'https://h.example.com/',
      events: ['run.failed', 'dr.awaiting-approval', 'dr.completed', 'fleet.summary'],
      format: 'json',
      secretEnv: 'ATLAS_BACKUP_NOTIFY_SECRET',
    });
    const withSecret = backupPipelineInputSchema().safeParse({ ...base, notify: { url: 'https://h/', secret: 'x' } });
    expect(withSecret.success).toBe(false);
    const otherVar = backupPipelineInputSchema().safeParse({
      ...base,
      notify: { url: 'https://h/', secretEnv: 'HOME' },
    });
    expect(otherVar.error?.issues[0]?.message).toMatch(/notify.secretEnv must name a worker variable/);
  });

  it('sets notify from the backup/schedule flags', () => {
    const req = buildBackupRequest({
      project: base.groupId,
      cluster: 'c1',
      notifyUrl: 'https://hooks.example.com/a',
      notifyEvents: ['pipeline.completed', 'run.failed'],
      notifyFormat: 'slack',
    });
    expect(req.notify).toMatchObject({ events: ['pipeline.completed', 'run.failed'], format: 'slack' });
  });

  it('signs the exact body bytes as sha256=<hex HMAC> (RFC 4231 test case 2)', () => {
    expect(signBody('what do ya want for nothing?', 'Jefe')).toBe(
      'sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });

  it('renders the Slack format with the exact approve and reject commands', () => {
    const msg = slackMessage({
      schema: 'atlas-backup/notification',
      version: 1,
      event: 'dr.awaiting-approval',
      at: '2026-01-01T00:00:00.000Z',
      summary: 'waiting for approval',
      run: { workflowType: 'disasterRecovery', workflowId: 'dr-1', runId: 'r', outcome: 'awaiting-approval' },
      approval: {
        overwrite: "cluster 'prod'",
        with: 'snapshot s',
        deadline: '2026-01-01T01:00:00.000Z',
        approveCommand: 'atlas-backup approve dr-1 --reason "<why>"',
        rejectCommand: 'atlas-backup reject dr-1 --reason "<why>"',
      },
    });
    expect(msg.text).toContain('`atlas-backup approve dr-1 --reason "<why>"`');
    expect(msg.text).toContain('`atlas-backup reject dr-1 --reason "<why>"`');
  });
});
