// The documentation holds together: the README stays a short front door, every relative link in
// the Markdown files resolves to a file (and a heading, when it names one), and every page under
// docs/ is reachable by a link.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const DOCS = join(ROOT, 'docs');
const pages = [
  'README.md',
  'CONTRIBUTING.md',
  'CHANGELOG.md',
  'bench/README.md',
  'atlas-spec/README.md',
  ...readdirSync(DOCS, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.md'))
    .map((f) => join('docs', f)),
].map((f) => join(ROOT, f));

/** The Markdown outside fenced code blocks (a `#` there is a shell comment, a `[x](y)` code). */
const prose = (file: string) => readFileSync(file, 'utf8').replace(/^```[\s\S]*?^```/gm, '');

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
const slug = (heading: string) =>
  heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, '')
    .replace(/ /g, '-');

const anchorsOf = (file: string) => new Set([...prose(file).matchAll(/^#{1,6} +(.+?) *$/gm)].map((m) => slug(m[1]!)));

/** Every relative link target of a page: [text](target), external and mail links left out. */
const linksOf = (file: string) =>
  [...prose(file).matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!).filter((t) => !/^[a-z]+:/i.test(t));

describe('the documentation', () => {
  it('keeps the README a front door of at most 200 lines', () => {
    const lines = readFileSync(join(ROOT, 'README.md'), 'utf8').trimEnd().split('\n');
    expect(lines.length).toBeLessThanOrEqual(200);
  });

  it('has no relative link, in the README, CONTRIBUTING, CHANGELOG, bench/ or docs/, that leads nowhere', () => {
    const broken: string[] = [];
    for (const page of pages) {
      for (const link of linksOf(page)) {
        const [path = '', anchor] = link.split('#');
        const target = path === '' ? page : resolve(dirname(page), decodeURIComponent(path));
        const where = `${relative(ROOT, page)} → ${link}`;
        if (!existsSync(target)) broken.push(`${where} (no such file)`);
        else if (anchor !== undefined && target.endsWith('.md') && !anchorsOf(target).has(anchor))
          broken.push(`${where} (no such heading)`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('links every page under docs/ from another page', () => {
    const linked = new Set(
      pages.flatMap((page) => linksOf(page).map((l) => resolve(dirname(page), l.split('#')[0] || page))),
    );
    const orphans = pages.filter((p) => p.startsWith(DOCS) && !linked.has(p)).map((p) => relative(ROOT, p));
    expect(orphans).toEqual([]);
  });
});
