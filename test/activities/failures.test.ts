// How Atlas errors become Temporal outcomes: retryable with Atlas's Retry-After, or a
// non-retryable failure that tells the operator what happened and what to do.
import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import {
  notFinished,
  RETRY_AFTER_JITTER,
  retryAfterDelayMs,
  toActivityFailure,
} from '../../src/activities/failures.js';
import { AtlasApiError } from '../../src/atlas/index.js';

const ctx = { operation: 'takeSnapshots', groupId: '65f1a0c0a1b2c3d4e5f60001', clusterName: 'prod-1' };

describe('Atlas errors as Temporal failures', () => {
  it('keeps 429 retryable, typed by errorCode, with Retry-After plus jitter as the next delay', () => {
    const f = toActivityFailure(
      new AtlasApiError({
        httpStatus: 429,
        errorCode: 'RATE_LIMITED',
        operation: 'takeSnapshots',
        retryAfterSeconds: 7,
      }),
      ctx,
    ) as ApplicationFailure;
    expect(f).toBeInstanceOf(ApplicationFailure);
    expect(f.nonRetryable).toBe(false);
    expect(f.type).toBe('RATE_LIMITED');
    expect(f.nextRetryDelay).toBeGreaterThanOrEqual(7000);
    expect(f.nextRetryDelay).toBeLessThanOrEqual(7000 * (1 + RETRY_AFTER_JITTER));
  });

  it('spreads the retries of attempts refused together over Retry-After to 1.5x it, never sooner', () => {
    const refused = () =>
      toActivityFailure(
        new AtlasApiError({
          httpStatus: 429,
          errorCode: 'RATE_LIMITED',
          operation: 'getCluster',
          retryAfterSeconds: 10,
        }),
        ctx,
      ) as ApplicationFailure;
    const delays = Array.from({ length: 200 }, () => refused().nextRetryDelay as number);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(10_000);
    expect(Math.max(...delays)).toBeLessThanOrEqual(15_000);
    // 200 attempts land in at least 4 of the 5 seconds of the jitter window, not all in one.
    expect(new Set(delays.map((d) => Math.floor(d / 1000))).size).toBeGreaterThanOrEqual(4);
    expect(retryAfterDelayMs(10, () => 0)).toBe(10_000);
    expect(retryAfterDelayMs(10, () => 0.999)).toBe(14_995);
    expect(retryAfterDelayMs(0, () => 0)).toBe(100);
  });

  it('keeps UNFINISHED_ON_DEMAND_SNAPSHOT (a 400) retryable so the step waits it out', () => {
    const f = toActivityFailure(
      new AtlasApiError({ httpStatus: 400, errorCode: 'UNFINISHED_ON_DEMAND_SNAPSHOT', operation: 'takeSnapshots' }),
      ctx,
    ) as ApplicationFailure;
    expect(f.nonRetryable).toBe(false);
    expect(f.type).toBe('UNFINISHED_ON_DEMAND_SNAPSHOT');
  });

  it('types network errors without an HTTP status as retryable', () => {
    const f = toActivityFailure(
      new AtlasApiError({ errorCode: 'NETWORK_ERROR', operation: 'takeSnapshots' }),
      ctx,
    ) as ApplicationFailure;
    expect(f.nonRetryable).toBe(false);
    expect(f.type).toBe('NETWORK_ERROR');
  });

  it('stops on a 404 with the operation, cluster, project, errorCode, detail and advice', () => {
    const f = toActivityFailure(
      new AtlasApiError({
        httpStatus: 404,
        errorCode: 'CLUSTER_NOT_FOUND',
        detail: 'No cluster named prod-1 exists in group 65f1a0c0a1b2c3d4e5f60001.',
        operation: 'takeSnapshots',
      }),
      ctx,
    ) as ApplicationFailure;
    expect(f.nonRetryable).toBe(true);
    expect(f.message).toBe(
      "takeSnapshots for cluster 'prod-1' in project 65f1a0c0a1b2c3d4e5f60001: Atlas HTTP 404 CLUSTER_NOT_FOUND — " +
        'No cluster named prod-1 exists in group 65f1a0c0a1b2c3d4e5f60001. ' +
        'Check the cluster name and project id, and that the credentials can see that project.',
    );
  });

  it('points a 403 at the missing role', () => {
    const f = toActivityFailure(
      new AtlasApiError({ httpStatus: 403, errorCode: 'SOMETHING_NEW', operation: 'takeSnapshots' }),
      ctx,
    ) as ApplicationFailure;
    expect(f.nonRetryable).toBe(true);
    expect(f.message).toMatch(/Project Backup Manager role/);
  });

  it('lets unexpected errors through unchanged for Temporal to retry', () => {
    const boom = new TypeError('boom');
    expect(toActivityFailure(boom, ctx)).toBe(boom);
  });

  it('makes "not finished" benign and retryable with the computed delay and the Atlas state in its details', () => {
    const f = notFinished('snapshot is queued', 1500, { state: 'queued' });
    expect(f.nonRetryable).toBe(false);
    expect(f.type).toBe('NotFinished');
    expect(f.category).toBe('BENIGN');
    expect(f.nextRetryDelay).toBe(1500);
    expect(f.details).toEqual([{ state: 'queued' }]);
  });
});
