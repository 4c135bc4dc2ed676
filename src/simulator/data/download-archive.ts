// A download restore's archive: a gzipped tar of the snapshot's captured data under one top folder,
// `restore-<snapshotId>/manifest.json` and `restore-<snapshotId>/<db>/<collection>.jsonl`, streamed
// as it is made. (Atlas ships the snapshot's WiredTiger data files; FIDELITY.md says why not here.)
import type { ServerResponse } from 'node:http';
import { create } from 'tar';
import { namespaceFile, type Capture } from './capture.js';

export const archiveTopFolder = (snapshotId: string): string => `restore-${snapshotId}`;

/** The archive's entries, relative to the capture directory. */
export function archiveEntries(capture: Capture): string[] {
  return ['manifest.json', ...capture.manifest.namespaces.map(namespaceFile)];
}

/** Streams the archive into an HTTP response (200, application/gzip); a read error cuts the connection. */
export function sendArchive(res: ServerResponse, capture: Capture, fileName: string): void {
  res.writeHead(200, {
    'content-type': 'application/gzip',
    'content-disposition': `attachment; filename="${fileName}"`,
  });
  const pack = create(
    { gzip: true, cwd: capture.dir, portable: true, prefix: archiveTopFolder(capture.manifest.snapshotId) },
    archiveEntries(capture),
  );
  pack.on('error', () => res.destroy());
  pack.pipe(res);
}
