// What the source held right before its snapshot, read as a temporary database user (temp-user.ts):
// per collection its count and index specs (the manifest), and, when asked, a canary document
// written to the canary database. The user may read every database and write only the canary's.
import { Context } from '@temporalio/activity';
import type { AtlasClient } from '../atlas/index.js';
import { CANARY_DATABASE, type Canary, type CapturedSource, type CaptureSourceInput } from '../contract/index.js';
import { captureManifest, fitManifest, writeCanary } from '../data/index.js';
import { AttemptCalls, runOf } from './calls.js';
import { READ_ONLY, withTemporaryUser } from './temp-user.js';

/** The most a manifest weighs in a run's history (JSON bytes): it travels in up to three payloads. */
export const MANIFEST_HISTORY_BYTES = 256 * 1024;

/** Read anything; write only the canary's database (readWrite there, nothing else anywhere). */
const CANARY_WRITER = [...READ_ONLY, { roleName: 'readWrite', databaseName: CANARY_DATABASE }];

export function sourceManifestActivities(client: AtlasClient) {
  return {
    async captureSourceManifest(input: CaptureSourceInput): Promise<CapturedSource> {
      const ctx = Context.current();
      const { source } = input;
      const calls = new AttemptCalls(client, source);
      const canary: Canary | undefined = input.canary
        ? { runId: runOf(ctx).runId, at: new Date().toISOString() }
        : undefined;
      const read = await withTemporaryUser(
        calls,
        {
          cluster: source,
          connectionString: input.connectionString,
          purpose: 'source',
          roles: canary ? CANARY_WRITER : READ_ONLY,
          description: 'atlas-backup-orchestrator manifest of the source before a snapshot (temporary)',
        },
        async (driver) => {
          const manifest = await captureManifest(driver);
          // The canary goes in after the manifest, so the manifest never counts it.
          if (canary) await writeCanary(driver, canary);
          return manifest;
        },
      );
      const fitted = fitManifest(read, MANIFEST_HISTORY_BYTES);
      const kept = fitted.manifest.namespaces.length;
      const budget = `${MANIFEST_HISTORY_BYTES / 1024} KiB`;
      const notes = fitted.cut
        ? [
            `the manifest of ${read.namespaces.length} collections was cut to ${kept} to stay under ${budget} ` +
              `in the run's history (sha256 of the whole: ${fitted.digest})`,
          ]
        : [];
      return {
        manifest: fitted.manifest,
        ...(canary ? { canary } : {}),
        digest: fitted.digest,
        notes,
        requests: calls.requests,
        attempts: ctx.info.attempt,
      };
    },
  };
}
