// Response rendering: versioned media types, envelope=true, pretty=true, pagination.
import type { ServerResponse } from 'node:http';
import { SimError } from '../model/errors.js';
import type { OperationInfo } from '../../atlas/catalog.js';

const ACCEPT_RE = /application\/vnd\.atlas\.(\d{4}-\d{2}-\d{2})\+json/;

/**
 * The version served for a request. Atlas answers 406 INVALID_VERSION_DATE ("Invalid accept header
 * or version date.") when the Accept header has no versioned media type, a malformed date, or a
 * date the resource does not publish — observed even for globally known dates that the endpoint
 * lacks. Each operation here publishes its catalog `version` and the spec's `specVersion`.
 */
export function negotiateVersion(accept: string | undefined, op: OperationInfo): string {
  const m = ACCEPT_RE.exec(accept ?? '');
  const v = m?.[1];
  if (!v || (v !== op.version && v !== op.specVersion)) {
    throw new SimError(406, 'INVALID_VERSION_DATE', 'Invalid accept header or version date.');
  }
  return v;
}

export interface RenderOptions {
  envelope: boolean;
  pretty: boolean;
}

export function flags(query: URLSearchParams): RenderOptions {
  return { envelope: query.get('envelope') === 'true', pretty: query.get('pretty') === 'true' };
}

export function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  opts: RenderOptions,
  contentType: string,
  headers: Record<string, string> = {},
  list = false,
): void {
  let payload = body;
  let httpStatus = status;
  if (opts.envelope && status !== 204) {
    // Lists carry the status beside their results; other bodies are wrapped in {status, content}.
    payload = list && status < 400 ? { ...(body as object), status } : { status, content: body };
    httpStatus = 200;
  }
  // 204 and 202 (deleteCluster) carry no body.
  const text =
    status === 204 || payload === undefined ? '' : JSON.stringify(payload, null, opts.pretty ? 2 : undefined);
  res.writeHead(httpStatus, { 'content-type': contentType, 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export interface Page {
  pageNum: number;
  itemsPerPage: number;
  includeCount: boolean;
}

export function parsePage(q: URLSearchParams): Page {
  const int = (name: string, def: number, min: number, max: number): number => {
    const raw = q.get(name);
    if (raw === null) return def;
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || n < min || n > max) {
      throw new SimError(
        400,
        'INVALID_QUERY_PARAMETER',
        `Invalid query parameter ${name}: must be an integer from ${min} to ${max}.`,
        [name],
        [{ field: name, description: `integer from ${min} to ${max}` }],
      );
    }
    return n;
  };
  const ic = q.get('includeCount');
  if (ic !== null && ic !== 'true' && ic !== 'false') {
    throw new SimError(400, 'INVALID_QUERY_PARAMETER', 'Invalid query parameter includeCount: must be true or false.', [
      'includeCount',
    ]);
  }
  // The spec bounds pageNum below only; Atlas reads it as a Java int.
  return {
    pageNum: int('pageNum', 1, 1, 2_147_483_647),
    itemsPerPage: int('itemsPerPage', 100, 1, 500),
    includeCount: ic !== 'false',
  };
}

export function paginate<T>(items: T[], page: Page, selfUrl: URL): Record<string, unknown> {
  const start = (page.pageNum - 1) * page.itemsPerPage;
  const results = items.slice(start, start + page.itemsPerPage);
  const link = (pageNum: number, rel: string) => {
    const u = new URL(selfUrl);
    u.searchParams.set('pageNum', String(pageNum));
    u.searchParams.set('itemsPerPage', String(page.itemsPerPage));
    return { href: u.toString(), rel };
  };
  const links = [link(page.pageNum, 'self')];
  if (page.pageNum > 1) links.push(link(page.pageNum - 1, 'previous'));
  if (start + page.itemsPerPage < items.length) links.push(link(page.pageNum + 1, 'next'));
  return { results, links, ...(page.includeCount ? { totalCount: items.length } : {}) };
}
