// Issue 14 point 2, needless requests: a create retried after Atlas refused it cleanly (a 4xx, a 429)
// or after it was never sent need not list existing resources first; one that may have committed
// (timeout, dropped connection, 5xx) must. The verdict is sticky over attempts.
import { describe, expect, it } from 'vitest';
import { createMark, createOutcomeOf, mayHaveCreated } from '../../src/activities/attempt-outcome.js';
import { AtlasApiError } from '../../src/atlas/index.js';

const err = (operation: 'takeSnapshots' | 'getCluster' | 'oauthToken', httpStatus?: number, errorCode = 'X') =>
  new AtlasApiError({ operation, httpStatus, errorCode });

describe('createOutcomeOf', () => {
  it('calls a 4xx answer to the create (429, 400, 409) refused: nothing was created', () => {
    expect(createOutcomeOf(err('takeSnapshots', 429, 'RATE_LIMITED'), 'takeSnapshots')).toBe('refused');
    expect(createOutcomeOf(err('takeSnapshots', 400, 'UNFINISHED_ON_DEMAND_SNAPSHOT'), 'takeSnapshots')).toBe(
      'refused',
    );
    expect(createOutcomeOf(err('takeSnapshots', 409), 'takeSnapshots')).toBe('refused');
  });

  it('calls a timeout, a network error, a 5xx or our own error after sending ambiguous', () => {
    expect(createOutcomeOf(err('takeSnapshots', undefined, 'TIMEOUT'), 'takeSnapshots')).toBe('ambiguous');
    expect(createOutcomeOf(err('takeSnapshots', undefined, 'NETWORK_ERROR'), 'takeSnapshots')).toBe('ambiguous');
    expect(createOutcomeOf(err('takeSnapshots', 503), 'takeSnapshots')).toBe('ambiguous');
    expect(createOutcomeOf(err('takeSnapshots', 200, 'INVALID_RESPONSE'), 'takeSnapshots')).toBe('ambiguous');
    expect(createOutcomeOf(new TypeError('boom'), 'takeSnapshots')).toBe('ambiguous');
  });

  it('calls failures of other requests, client-side validation and unsent creates not-sent', () => {
    expect(createOutcomeOf(err('getCluster', 429, 'RATE_LIMITED'), 'takeSnapshots')).toBe('not-sent');
    expect(createOutcomeOf(err('oauthToken', 500), 'takeSnapshots')).toBe('not-sent');
    expect(createOutcomeOf(err('takeSnapshots', undefined, 'INVALID_REQUEST_BODY'), 'takeSnapshots')).toBe('not-sent');
    expect(createOutcomeOf(new TypeError('boom'), 'takeSnapshots', false)).toBe('not-sent');
  });
});

describe('mayHaveCreated / createMark across attempts', () => {
  it('never looks on the first attempt', () => {
    expect(mayHaveCreated(1, undefined)).toBe(false);
  });

  it('skips the lookup after clean refusals, attempt after attempt', () => {
    let details: unknown = createMark(1, undefined, 'refused');
    expect(mayHaveCreated(2, details)).toBe(false);
    details = createMark(2, details, 'not-sent');
    expect(mayHaveCreated(3, details)).toBe(false);
  });

  it('looks once any earlier attempt may have committed, even if later ones were refused', () => {
    let details: unknown = createMark(1, undefined, 'ambiguous');
    expect(mayHaveCreated(2, details)).toBe(true);
    details = createMark(2, details, 'refused');
    expect(mayHaveCreated(3, details)).toBe(true);
    // A create in flight when the attempt ended (worker crash, cancelled): maybe committed.
    expect(mayHaveCreated(2, createMark(1, undefined, 'sent'))).toBe(true);
  });

  it('looks when the previous attempt left no mark (an older worker, a lost heartbeat)', () => {
    expect(mayHaveCreated(2, undefined)).toBe(true);
    expect(mayHaveCreated(3, { something: 'else' })).toBe(true);
  });
});
