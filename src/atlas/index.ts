// Public surface of the Atlas Admin API v2 client. Knows HTTP, auth, versions, schemas and
// errors; knows nothing of Temporal.
export { AtlasClient, DEFAULT_BASE_URL, DEFAULT_USER_AGENT } from './client.js';
export type { AtlasClientOptions, AtlasClientStats, AtlasExchange, AtlasObserver, RateLimitSeen } from './client.js';
export { endpointSetOfPath, RateLimitSet } from './rate-limits.js';
export type { AtlasAuth } from './auth.js';
export { clearDigestCache, clearTokenCache } from './auth.js';
export { AtlasApiError, isRetryable, parseRetryAfter } from './errors.js';
export type { ClientErrorCode } from './errors.js';
export { operations } from './operations.js';
export { pages } from './pages.js';
export type { Page, PagesOptions } from './pages.js';
export type { ItemOf, ListOperationId, PathParamsOf, QueryParams, RequestArgs, ResponseOf } from './operations.js';
export { validatePathParam } from './validation.js';
export { probeUserAdmin, ROLE_PROBE_USER } from './role-probe.js';
export { chooseChallenge, DigestSession, parseDigestChallenges } from './digest.js';
export type { DigestAlgorithm, DigestChallenge } from './digest.js';
export * from './schemas.js';
export * from './catalog.js';
