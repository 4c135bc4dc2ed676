// Reading clusters' data with the official driver: manifests, canaries, verification. Knows
// nothing of Temporal or of the Atlas Admin API; activities pass it a URI and, in memory, credentials.
export { connect, DataAccessError, scrub, scrubbed, type ConnectOptions, type Credentials } from './connect.js';
export { captureManifest, fitManifest, SYSTEM_DATABASES, type CaptureOptions } from './manifest.js';
export { readCanary, writeCanary } from './canary.js';
export { verify, type VerifyInput } from './verify.js';
export { renderVerdicts } from './summary.js';
export { verifyExportFiles, type ExportFilesInput } from './export-files.js';
