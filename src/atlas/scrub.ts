// Removes every form of credential this process holds from text that came back from Atlas (or any
// upstream echoing our request): the raw secret, `Basic base64(id:secret)`, OAuth bearer tokens and
// HTTP Digest `response=` values. Known values are cut exactly; the header shapes are also cut by
// pattern, so a token this client never saw (another process's, a rotated one) goes too.
const REDACTED = '[REDACTED]';
/** Below this a "secret" would cut ordinary words out of messages. */
const MIN_LENGTH = 4;
/** Tokens rotate: remember this many, newest last. */
const MAX_KNOWN = 64;

const PATTERNS: [RegExp, string][] = [
  // Authorization / WWW-Authenticate values, wherever they appear (headers echoed as JSON, text).
  // At least 8 characters, so prose such as "Basic checks" stays.
  [/\b(Bearer|Basic)(\s+|\\u0020)[A-Za-z0-9._~+/=-]{8,}/gi, `$1 ${REDACTED}`],
  [/\b(response|cnonce)(\s*=\s*\\?"?)[0-9a-fA-F]+/gi, `$1$2${REDACTED}`],
  // An OAuth token response or request that was echoed whole.
  [/("?(?:access_token|client_secret|refresh_token)"?\s*[:=]\s*"?)[^"&\s,}]+/gi, `$1${REDACTED}`],
];

export class CredentialScrubber {
  private readonly known: string[] = [];

  /** Adds a value to cut exactly (ignored if too short to be a credential). */
  add(value: string | undefined): void {
    if (!value || value.length < MIN_LENGTH || this.known.includes(value)) return;
    this.known.push(value);
    if (this.known.length > MAX_KNOWN) this.known.splice(0, this.known.length - MAX_KNOWN);
  }

  scrub(text: string): string {
    let out = text;
    // Longest first, so a value containing another is cut whole.
    for (const v of [...this.known].sort((a, b) => b.length - a.length)) out = out.split(v).join(REDACTED);
    for (const [re, to] of PATTERNS) out = out.replace(re, to);
    return out;
  }
}

/** The forms of a service account's secret a process sends: the raw secret and the Basic value. */
export function serviceAccountForms(clientId: string, clientSecret: string): string[] {
  const basic = Buffer.from(`${clientId}:${clientSecret}`).toString('base64');
  return [clientSecret, basic, encodeURIComponent(clientSecret)];
}
