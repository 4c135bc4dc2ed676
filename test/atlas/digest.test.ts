import { describe, expect, it } from 'vitest';
import { chooseChallenge, DigestSession, parseDigestChallenges } from '../../src/atlas/index.js';

// RFC 7616 §3.9.1 worked example.
const RFC = {
  realm: 'http-auth@example.org',
  nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
  opaque: 'FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS',
  cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
};

describe('Digest (RFC 7616)', () => {
  it('parses two challenges from one header and prefers SHA-256', () => {
    const challenge = (algorithm: string) =>
      `Digest realm="${RFC.realm}", qop="auth, auth-int", algorithm=${algorithm}, ` +
      `nonce="${RFC.nonce}", opaque="${RFC.opaque}"`;
    const header = `${challenge('SHA-256')}, ${challenge('MD5')}`;
    const all = parseDigestChallenges(header);
    expect(all.map((c) => c.algorithm)).toEqual(['SHA-256', 'MD5']);
    expect(all[0]).toMatchObject({
      realm: RFC.realm,
      nonce: RFC.nonce,
      opaque: RFC.opaque,
      qop: ['auth', 'auth-int'],
      stale: false,
    });
    expect(chooseChallenge(all.filter((c) => c.algorithm === 'MD5'))?.algorithm).toBe('MD5');
    expect(chooseChallenge(all)?.algorithm).toBe('SHA-256');
  });

  it('ignores non-Digest schemes and unknown algorithms, and reads stale=true', () => {
    const list = parseDigestChallenges([
      'Basic realm="x"',
      'Digest realm="r", nonce="n1", algorithm=SHA-512-256, qop="auth"',
      'Digest realm="r", nonce="n2", qop=auth, stale=TRUE',
    ]);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ nonce: 'n2', algorithm: 'MD5', stale: true, qop: ['auth'] });
  });

  it('computes the RFC 7616 example response for MD5', () => {
    const [c] = parseDigestChallenges(
      `Digest realm="${RFC.realm}", qop="auth", algorithm=MD5, nonce="${RFC.nonce}", opaque="${RFC.opaque}"`,
    );
    const header = new DigestSession('Mufasa', 'Circle of Life', c!).authorize('GET', '/dir/index.html', RFC.cnonce);
    expect(header).toContain('response="8ca523f5e9506fed4657c9700eebdbec"');
    expect(header).toContain('nc=00000001');
    expect(header).toContain(`opaque="${RFC.opaque}"`);
  });

  it('computes the RFC 7616 example response for SHA-256', () => {
    const [c] = parseDigestChallenges(
      `Digest realm="${RFC.realm}", qop="auth", algorithm=SHA-256, nonce="${RFC.nonce}", opaque="${RFC.opaque}"`,
    );
    const header = new DigestSession('Mufasa', 'Circle of Life', c!).authorize('GET', '/dir/index.html', RFC.cnonce);
    expect(header).toContain('response="753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"');
  });

  it('increments the nonce count on every request signed with the same nonce', () => {
    const [c] = parseDigestChallenges('Digest realm="r", nonce="n", qop="auth"');
    const s = new DigestSession('u', 'p', c!);
    s.authorize('GET', '/a');
    s.authorize('GET', '/a');
    expect(s.authorize('GET', '/a')).toContain('nc=00000003');
    expect(s.nonceCount).toBe(3);
  });

  it('never puts the password in the header', () => {
    const [c] = parseDigestChallenges('Digest realm="r", nonce="n", qop="auth", algorithm=MD5-sess');
    const header = new DigestSession('u', 'super-secret-pw', c!).authorize('POST', '/x?y=1');
    expect(header).not.toContain('super-secret-pw');
    expect(header).toContain('algorithm=MD5-sess');
  });
});
