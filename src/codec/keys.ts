// Encryption keys for the payload codec, from the environment or a key file. The first key is the
// current one (it encrypts); every listed key decrypts, which is what makes rotation possible.
// Problems name the variable, the key id and the rule, never the key material.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError, processEnv } from '../config.js';

export const KEYS_VAR = 'ATLAS_BACKUP_CODEC_KEYS';
export const KEY_FILE_VAR = 'ATLAS_BACKUP_CODEC_KEY_FILE';
export const KEY_BYTES = 32;
const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;

export interface CodecKey {
  id: string;
  /** 32 bytes for AES-256-GCM. */
  key: Buffer;
}

/** Keys in order: the first one encrypts, all of them decrypt. */
export interface CodecKeys {
  current: CodecKey;
  all: CodecKey[];
}

const GENERATE_HINT = 'generate one with `openssl rand -base64 32`';

/** Checks one (id, base64 key) pair; returns the problems, each naming the id only. */
function keyProblems(id: string, base64: string): string[] {
  const problems: string[] = [];
  if (!KEY_ID.test(id)) problems.push(`key id '${id.slice(0, 64)}' must be 1-64 characters of A-Z a-z 0-9 . _ -`);
  const trimmed = base64.trim();
  if (trimmed === '') {
    problems.push(`key '${id}' has no key material: write it as id:base64key (${GENERATE_HINT})`);
  } else if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed) || trimmed.length % 4 !== 0) {
    problems.push(`key '${id}' must be standard base64 (${GENERATE_HINT})`);
  } else {
    const bytes = Buffer.from(trimmed, 'base64').length;
    if (bytes !== KEY_BYTES)
      problems.push(`key '${id}' must decode to ${KEY_BYTES} bytes, not ${bytes} (${GENERATE_HINT})`);
  }
  return problems;
}

const entrySchema = z.object({
  id: z.string({ error: 'id must be a string' }),
  key: z.string({ error: 'key must be a base64 string' }),
});
const entriesSchema = z
  .array(entrySchema)
  .min(1, { error: 'must list at least one key' })
  .superRefine((entries, ctx) => {
    for (const e of entries) for (const message of keyProblems(e.id, e.key)) ctx.addIssue({ code: 'custom', message });
    const seen = new Set<string>();
    for (const e of entries) {
      if (seen.has(e.id)) ctx.addIssue({ code: 'custom', message: `key id '${e.id}' is listed twice` });
      seen.add(e.id);
    }
  });

/** `id1:base64,id2:base64` → entries (the first is current). Splits at the first colon: ids hold none. */
function entriesFromList(list: string): { id: string; key: string }[] {
  return list
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => {
      const i = part.indexOf(':');
      return i < 0 ? { id: part, key: '' } : { id: part.slice(0, i).trim(), key: part.slice(i + 1).trim() };
    });
}

/** The key file: `{ "keys": [{ "id": "2026-01", "key": "<base64>" }, …] }`, current key first. */
const keyFileSchema = z.object({ keys: entriesSchema }, { error: 'must be a JSON object with a "keys" array' });

function readKeyFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError([`${KEY_FILE_VAR}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`]);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // The parser's message may quote the file's content, so it is not passed on.
    throw new ConfigError([`${KEY_FILE_VAR}: ${path} is not valid JSON`]);
  }
}

function fail(variable: string, issues: z.core.$ZodIssue[]): never {
  throw new ConfigError(issues.map((i) => `${variable}: ${i.path.length ? `${i.path.join('.')}: ` : ''}${i.message}`));
}

function toKeys(entries: { id: string; key: string }[]): CodecKeys {
  const all = entries.map((e) => ({ id: e.id, key: Buffer.from(e.key.trim(), 'base64') }));
  return { current: all[0]!, all };
}

/**
 * The codec's keys from ATLAS_BACKUP_CODEC_KEYS or ATLAS_BACKUP_CODEC_KEY_FILE, or undefined when
 * neither is set (encryption off). Throws ConfigError naming the variable when one is invalid.
 */
export function codecKeysFromEnv(env: Record<string, string | undefined> = processEnv()): CodecKeys | undefined {
  const list = env[KEYS_VAR]?.trim();
  const file = env[KEY_FILE_VAR]?.trim();
  if (list && file) throw new ConfigError([`${KEYS_VAR}: set either ${KEYS_VAR} or ${KEY_FILE_VAR}, not both`]);
  if (list) {
    const parsed = entriesSchema.safeParse(entriesFromList(list));
    if (!parsed.success) fail(KEYS_VAR, parsed.error.issues);
    return toKeys(parsed.data);
  }
  if (file) {
    const parsed = keyFileSchema.safeParse(readKeyFile(file));
    if (!parsed.success) fail(KEY_FILE_VAR, parsed.error.issues);
    return toKeys(parsed.data.keys);
  }
  return undefined;
}

/** Keys given in code (tests, the library API): same rules as the environment. */
export function codecKeys(entries: { id: string; key: string | Buffer }[]): CodecKeys {
  const asText = entries.map((e) => ({ id: e.id, key: typeof e.key === 'string' ? e.key : e.key.toString('base64') }));
  const parsed = entriesSchema.safeParse(asText);
  if (!parsed.success) fail('codec keys', parsed.error.issues);
  return toKeys(parsed.data);
}
