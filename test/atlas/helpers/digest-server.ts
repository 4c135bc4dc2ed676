// Server side of RFC 7616 Digest, written independently of the client's implementation so the
// tests check the client against the RFC rather than against itself.
import { createHash, randomBytes } from 'node:crypto';

export interface DigestVerifierOptions {
  username: string;
  password: string;
  realm?: string;
  algorithm?: 'MD5' | 'SHA-256';
}

/** Issues a fresh nonce per challenge and, like the simulator, requires nc to grow per nonce. */
export class DigestVerifier {
  readonly realm: string;
  readonly algorithm: 'MD5' | 'SHA-256';
  readonly opaque = randomBytes(6).toString('hex');
  private readonly nonces = new Map<string, { lastNc: number; expired: boolean }>();
  /** Every accepted nc, in arrival order. */
  readonly ncs: number[] = [];
  challenges = 0;
  outOfOrder = 0;

  constructor(private readonly o: DigestVerifierOptions) {
    this.realm = o.realm ?? 'MMS Public API';
    this.algorithm = o.algorithm ?? 'MD5';
  }

  challenge(stale = false): string {
    this.challenges += 1;
    const nonce = randomBytes(12).toString('base64');
    this.nonces.set(nonce, { lastNc: 0, expired: false });
    return (
      `Digest realm="${this.realm}", domain="", nonce="${nonce}", algorithm=${this.algorithm}, qop="auth", ` +
      `opaque="${this.opaque}", stale=${String(stale)}`
    );
  }

  /** Every nonce issued so far becomes stale. */
  expireNonces(): void {
    for (const n of this.nonces.values()) n.expired = true;
  }

  /** 'ok', 'stale' (valid digest, but an expired nonce or a non-increasing nc) or 'bad'. */
  verify(method: string, url: string, header: string | undefined): 'ok' | 'stale' | 'bad' {
    if (!header?.startsWith('Digest ')) return 'bad';
    const p = new Map<string, string>();
    for (const m of header.slice(7).matchAll(/(\w+)=(?:"((?:[^"\\]|\\.)*)"|([^,\s]+))/g)) {
      p.set(m[1] as string, (m[2] ?? m[3] ?? '').replace(/\\(.)/g, '$1'));
    }
    const h = (s: string) =>
      createHash(this.algorithm === 'MD5' ? 'md5' : 'sha256')
        .update(s)
        .digest('hex');
    if (p.get('username') !== this.o.username || p.get('uri') !== url || p.get('qop') !== 'auth') return 'bad';
    if (p.get('opaque') !== this.opaque || p.get('realm') !== this.realm) return 'bad';
    if ((p.get('algorithm') ?? 'MD5') !== this.algorithm) return 'bad';
    const ha1 = h(`${this.o.username}:${this.realm}:${this.o.password}`);
    const ha2 = h(`${method}:${url}`);
    const expected = h(`${ha1}:${p.get('nonce')}:${p.get('nc')}:${p.get('cnonce')}:auth:${ha2}`);
    if (expected !== p.get('response')) return 'bad';
    const n = this.nonces.get(p.get('nonce') ?? '');
    if (!n || n.expired) return 'stale';
    const nc = parseInt(p.get('nc') ?? '', 16);
    if (!(nc > n.lastNc)) {
      this.outOfOrder += 1;
      return 'stale';
    }
    n.lastNc = nc;
    this.ncs.push(nc);
    return 'ok';
  }
}
