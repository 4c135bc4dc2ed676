// The data plane's deliveries: an export of a snapshot with captured data writes its files to the S3
// API as its collections finish, and a finished download restore's URL serves the snapshot as an
// archive. Snapshots without data keep the record-only behaviour (every hook is then a no-op).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { S3Client } from '@aws-sdk/client-s3';
import type { FaultInjector } from '../http/faults.js';
import { SIM_ORG } from '../model/exports.js';
import type { DeliveryHooks, Model } from '../model/model.js';
import { restoreOutcome } from '../model/restores.js';
import type { ExportJob } from '../model/types.js';
import { hasCapture, readCapture, type Capture } from './capture.js';
import { sendArchive } from './download-archive.js';
import { ensureBucket, writeCollection, writeComplete, writePermissionCheck, type CompleteInfo } from './s3-export.js';
import { motoInstalled, s3Client, startMotoS3, type RunningS3, type S3Endpoint } from './s3-server.js';

/** Download URLs live on the simulator's own address under this path (no Atlas auth, like Atlas's links). */
export const DOWNLOAD_PATH = '/restore-downloads/';
const POLL_MS = 25;

class Stopped extends Error {}

export interface DeliveryOptions {
  dataDir: string;
  faults: FaultInjector;
  /** An S3 API already running; otherwise moto is started (if installed). */
  s3?: S3Endpoint;
  warn?: (message: string) => void;
}

export class DataDelivery implements DeliveryHooks {
  private stopped = false;
  private constructor(
    private m: Model,
    private opts: DeliveryOptions,
    readonly s3: S3Endpoint | undefined,
    private client: S3Client | undefined,
    private server: RunningS3 | undefined,
  ) {}

  static async start(m: Model, opts: DeliveryOptions): Promise<DataDelivery> {
    let server: RunningS3 | undefined;
    let s3 = opts.s3;
    if (!s3 && motoInstalled()) s3 = server = await startMotoS3();
    else if (!s3)
      (opts.warn ?? console.warn)(
        '[simulator] moto (the S3 API for exports) is not installed: exports write no files (run npm run pretest).',
      );
    const d = new DataDelivery(m, opts, s3, s3 ? s3Client(s3) : undefined, server);
    d.resume();
    return d;
  }

  hasCapture(snapshotId: string): boolean {
    return hasCapture(this.opts.dataDir, snapshotId);
  }

  downloadUrl(restoreJobId: string, snapshotId: string | undefined, fileName: string, base: string) {
    if (!snapshotId || !this.hasCapture(snapshotId)) return undefined;
    return `${base}${DOWNLOAD_PATH}${restoreJobId}/${encodeURIComponent(fileName)}`;
  }

  exportCreated(job: ExportJob): void {
    if (!this.client) return;
    const capture = readCapture(this.opts.dataDir, job.snapshotId);
    const bucket = this.m.state.buckets[job.exportBucketId];
    if (!capture || !bucket) return;
    const namespaces = capture.manifest.namespaces;
    job.totalCollections = Math.max(1, namespaces.length);
    job.data = { bucketName: bucket.bucketName, written: 0, state: 'writing' };
    if (namespaces.length > 0 && this.opts.faults.dataFault('exportMissingFile')) {
      const ns = namespaces[this.opts.faults.pick(namespaces.length)]!;
      job.data.lose = `${ns.db}.${ns.collection}`;
    }
    this.m.changed();
    void this.write(job.id);
  }

  /** Jobs a previous run (state file) left half written carry on from their last collection. */
  private resume(): void {
    for (const j of Object.values(this.m.state.exports)) if (j.data?.state === 'writing') void this.write(j.id);
  }

  /** Serves a download URL; false when the path is not one (the caller answers it). */
  serveDownload(req: IncomingMessage, res: ServerResponse, path: string): boolean {
    if (!path.startsWith(DOWNLOAD_PATH)) return false;
    const [id, fileName] = path.slice(DOWNLOAD_PATH.length).split('/');
    const r = id ? this.m.state.restores[id] : undefined;
    const capture = r?.snapshotId ? readCapture(this.opts.dataDir, r.snapshotId) : undefined;
    const o = r ? restoreOutcome(r, this.m.now()) : undefined;
    req.resume();
    if (!r || r.deliveryType !== 'download' || !capture || !o?.finished || o.failed || !fileName)
      return plain(res, 404, 'No such restore download.');
    if (o.expired) return plain(res, 410, 'This restore download has expired.');
    sendArchive(res, capture, decodeURIComponent(fileName));
    return true;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.client?.destroy();
    await this.server?.stop();
  }

  private async write(jobId: string): Promise<void> {
    const job = this.m.state.exports[jobId];
    const capture = job && readCapture(this.opts.dataDir, job.snapshotId);
    if (!job?.data || !capture || !this.client) return;
    const data = job.data;
    try {
      await this.writeFiles(job, capture, this.client);
      data.state = 'written';
    } catch (e) {
      if (e instanceof Stopped) return;
      data.state = 'failed';
      job.outcome = 'failed';
      job.failReason = `Export to bucket ${data.bucketName} failed: ${(e as Error).message}`;
    }
    data.doneAt = this.m.now();
    this.m.changed();
  }

  private async writeFiles(job: ExportJob, capture: Capture, s3: S3Client): Promise<void> {
    const data = job.data!;
    const where = { bucket: data.bucketName, prefix: job.prefix, shardName: `${job.clusterName}-shard-0` };
    await ensureBucket(s3, where.bucket);
    if (data.written === 0) await writePermissionCheck(s3, where.bucket);
    const namespaces = capture.manifest.namespaces;
    // A failing job stops half way, as its timeline does; Atlas leaves the partial files in place.
    const stopAt = job.outcome === 'failed' ? Math.floor(job.totalCollections / 2) : namespaces.length;
    const start = job.createdAt + job.queuedMs;
    for (let i = data.written; i < stopAt; i++) {
      await this.until(job, () => this.m.now() >= start + (i + 1) * job.perCollectionMs);
      const ns = namespaces[i]!;
      await writeCollection(s3, where, capture, ns, data.lose === `${ns.db}.${ns.collection}`);
      data.written = i + 1;
      this.m.changed();
    }
    await this.until(job, () => this.m.now() >= start + stopAt * job.perCollectionMs);
    if (job.outcome === 'success') await writeComplete(s3, where, this.completeInfo(job), capture);
  }

  private completeInfo(job: ExportJob): CompleteInfo {
    const project = this.m.state.projects[job.groupId];
    const cluster = this.m.findCluster(job.groupId, job.clusterName);
    const snapshot = this.m.state.snapshots[job.snapshotId];
    return {
      orgId: SIM_ORG.id,
      orgName: SIM_ORG.name,
      groupId: job.groupId,
      groupName: project?.name ?? job.groupId,
      clusterUniqueId: cluster?.id ?? '',
      clusterName: job.clusterName,
      snapshotInitiationDate: new Date(snapshot?.createdAt ?? job.createdAt).toISOString(),
      labels: cluster?.tags ?? [],
      customData: job.customData,
    };
  }

  /** Waits on the simulator's clock (admin clock advances count); gives up when the job or simulator goes. */
  private async until(job: ExportJob, ready: () => boolean): Promise<void> {
    while (!ready()) {
      if (this.stopped || this.m.state.exports[job.id] !== job) throw new Stopped();
      await new Promise((r) => setTimeout(r, POLL_MS).unref());
    }
    if (this.stopped || this.m.state.exports[job.id] !== job) throw new Stopped();
  }
}

function plain(res: ServerResponse, status: number, text: string): true {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
  return true;
}
