// The credential scrubber (issue 12 point 3): every form a process holds, by value and by shape.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CredentialScrubber, serviceAccountForms } from '../../src/atlas/scrub.js';

// Dummy credentials made at run time; '+/' so the URL-encoded form differs from the raw one.
const ID = `mdb_sa_id_${randomBytes(4).toString('hex')}`;
const SECRET = `mdb_sa_sk_${randomBytes(12).toString('hex')}+/x`;
const basic = Buffer.from(`${ID}:${SECRET}`).toString('base64');

function scrubber(): CredentialScrubber {
  const s = new CredentialScrubber();
  for (const f of serviceAccountForms(ID, SECRET)) s.add(f);
  return s;
}

describe('CredentialScrubber', () => {
  it('cuts the raw secret, its URL encoding and the Basic value, wherever they appear', () => {
    const text = `secret=${SECRET} enc=${encodeURIComponent(SECRET)} b=${basic}`;
    const out = scrubber().scrub(text);
    expect(out).not.toContain(SECRET);
    expect(out).not.toContain(encodeURIComponent(SECRET));
    expect(out).not.toContain(basic);
  });

  it('cuts Authorization headers echoed as JSON: Basic, Bearer (known or not) and Digest response', () => {
    const s = scrubber();
    s.add('tok.known-123');
    const response = randomBytes(16).toString('hex');
    const cnonce = randomBytes(8).toString('hex');
    const echoed = JSON.stringify({
      a: `Basic ${basic}`,
      b: 'Bearer eyJhbGciOiJSUzI1NiJ9.unknown-token_value',
      c: 'Bearer tok.known-123',
      d:
        'Digest username="pk", realm="MMS", nonce="n", uri="/x", ' +
        `response="${response}", qop=auth, cnonce="${cnonce}", nc=00000001`,
    });
    const out = s.scrub(echoed);
    expect(out).not.toMatch(/eyJhbGci|unknown-token|tok\.known/);
    expect(out).not.toContain(response);
    expect(out).not.toContain(cnonce);
    expect(out).not.toContain(basic);
    expect(out).toContain('Bearer [REDACTED]');
    expect(out).toContain('username=\\"pk\\"'); // what is not secret stays readable
  });

  it('cuts token responses and form bodies echoed whole', () => {
    const formSecret = randomBytes(8).toString('hex');
    const out = new CredentialScrubber().scrub(
      `{"access_token":"abc.def.ghi","expires_in":3600} grant_type=client_credentials&client_secret=${formSecret}`,
    );
    expect(out).not.toMatch(/abc\.def\.ghi/);
    expect(out).not.toContain(formSecret);
    expect(out).toContain('"expires_in":3600');
  });

  it('leaves text without credentials as it was', () => {
    const text = 'getCluster for cluster \u2018c\u2019: Atlas HTTP 500 UNEXPECTED_ERROR \u2014 Basic checks failed';
    expect(scrubber().scrub('Atlas HTTP 500 UNEXPECTED_ERROR')).toBe('Atlas HTTP 500 UNEXPECTED_ERROR');
    expect(scrubber().scrub(text)).toBe(text);
  });
});
