// The one pagination rule AtlasClient.paginate and the activities' AttemptCalls both follow, on an
// in-memory list (the rule is pure; the client's paging against the simulator is covered in operations.test.ts).
import { describe, expect, it } from 'vitest';
import { pages, type Page } from '../../src/atlas/index.js';

/** A list of `total` items served `per` at a time, recording the pages asked for. */
function list(total: number, per: number, withCount = true) {
  const asked: number[] = [];
  const fetchPage = async (pageNum: number): Promise<Page<number>> => {
    asked.push(pageNum);
    const results = Array.from({ length: total }, (_, i) => i).slice((pageNum - 1) * per, pageNum * per);
    return withCount ? { results, totalCount: total } : { results };
  };
  return { asked, fetchPage };
}

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('pages', () => {
  it('stops at a page shorter than asked for', async () => {
    const l = list(250, 100);
    expect(await all(pages(l.fetchPage, { itemsPerPage: 100 }))).toHaveLength(250);
    expect(l.asked).toEqual([1, 2, 3]);
  });

  it('stops once totalCount items are seen: an exact multiple costs no empty page', async () => {
    const l = list(200, 100);
    expect(await all(pages(l.fetchPage, { itemsPerPage: 100 }))).toHaveLength(200);
    expect(l.asked).toEqual([1, 2]);
  });

  it('without totalCount, an exact multiple ends at the empty page after it', async () => {
    const l = list(200, 100, false);
    expect(await all(pages(l.fetchPage, { itemsPerPage: 100 }))).toHaveLength(200);
    expect(l.asked).toEqual([1, 2, 3]);
  });

  it('reads one page of an empty list, and treats a page without results as empty', async () => {
    const l = list(0, 100);
    expect(await all(pages(l.fetchPage, { itemsPerPage: 100 }))).toEqual([]);
    expect(l.asked).toEqual([1]);
    expect(await all(pages(async () => ({}), { itemsPerPage: 100 }))).toEqual([]);
  });

  it('reads at most maxPages pages, from firstPage on', async () => {
    const l = list(1000, 100);
    expect(await all(pages(l.fetchPage, { itemsPerPage: 100, maxPages: 3 }))).toHaveLength(300);
    expect(l.asked).toEqual([1, 2, 3]);
    const from = list(1000, 100);
    const items = await all(pages(from.fetchPage, { itemsPerPage: 100, firstPage: 9 }));
    expect(from.asked).toEqual([9, 10]);
    expect(items[0]).toBe(800);
  });

  it('stops when totalCount says the list is done even on a full page (a list that shrank)', async () => {
    const fetchPage = async (): Promise<Page<number>> => ({ results: [1, 2], totalCount: 2 });
    expect(await all(pages(fetchPage, { itemsPerPage: 2 }))).toEqual([1, 2]);
  });
});
