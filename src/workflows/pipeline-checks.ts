// The pipeline's own data checks around the snapshot: the source's manifest (and canary) read right
// before it, and the export read back from its bucket once the job succeeded. The restore's check
// lives in the shared restore step (restore-step.ts), which compares with this manifest.
import { workflowInfo } from '@temporalio/workflow';
import {
  customDataTags,
  type BackupPipelineInput,
  type CapturedSource,
  type PipelineResult,
  type VerifyExportInput,
} from '../contract/index.js';
import type { Acts } from './activity-options.js';
import type { PipelineRecorder } from './recorder.js';
import { verificationOf } from './restore-step.js';

/**
 * What the source holds right before the snapshot (counts and index specs per collection), and a
 * canary when restore.verify.canary asks: what the restore's and the export's checks compare with.
 * Nothing when the run verifies nothing. The pre-flight's connection string spares the activity a getCluster.
 */
export async function captureSource(
  rec: PipelineRecorder,
  acts: Acts,
  at: { groupId: string; clusterName: string; connectionString?: string | undefined },
  input: BackupPipelineInput,
): Promise<CapturedSource | undefined> {
  if (!input.restore?.verify && !input.export?.verify) return undefined;
  const canary = input.restore?.verify?.canary === true;
  const { connectionString, ...source } = at;
  const captured = await rec.step(
    'capture-manifest',
    'taking-snapshot',
    () => acts.captureSourceManifest({ source, ...(connectionString ? { connectionString } : {}), canary }),
    (r) => `${r.manifest.namespaces.length} collections`,
  );
  rec.count(captured);
  return captured;
}

/** The result's small account of the manifest: never the manifest itself. */
export function manifestFacts(captured: CapturedSource): NonNullable<PipelineResult['manifest']> {
  const { capturedAt, namespaces, omittedNamespaces } = captured.manifest;
  return {
    capturedAt,
    namespaces: namespaces.length,
    omittedNamespaces,
    digest: captured.digest,
    ...(captured.canary ? { canary: captured.canary } : {}),
  };
}

/**
 * The export's files read back from the bucket (export.verify); the summary (also of a failed check)
 * goes to status.exportVerification. `customData` is the request's: the run's tags are added here.
 */
export async function verifyExport(rec: PipelineRecorder, acts: Acts, input: VerifyExportInput): Promise<void> {
  const { workflowId, runId } = workflowInfo();
  const customData = [...input.customData, ...customDataTags({ workflowId, runId })];
  try {
    const done = await rec.step(
      'verify-export',
      'verifying',
      () => acts.verifyExport({ ...input, customData }),
      (r) => (r.ok ? 'verified' : 'not verified'),
    );
    rec.count(done);
    const { requests: _r, attempts: _a, ...summary } = done;
    rec.status.exportVerification = summary;
  } catch (err) {
    const s = verificationOf(err);
    if (s) rec.status.exportVerification = s;
    throw err;
  }
}
