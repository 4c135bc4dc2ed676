// Atlas's list pagination (pageNum/itemsPerPage), followed by one rule for every caller: stop at a
// page shorter than asked for (an empty one included), once totalCount items have been seen, or
// after maxPages pages. totalCount saves the empty page a list of an exact multiple would cost.

export interface Page<T> {
  results?: T[];
  totalCount?: number;
}

export interface PagesOptions {
  itemsPerPage: number;
  /** The first page to read (default 1). */
  firstPage?: number;
  /** Read at most this many pages (default: until the list ends). */
  maxPages?: number;
}

/** The items of a paginated list, fetching page after page with `fetchPage(pageNum)`. */
export async function* pages<T>(fetchPage: (pageNum: number) => Promise<Page<T>>, o: PagesOptions): AsyncGenerator<T> {
  const first = o.firstPage ?? 1;
  // totalCount counts the whole list, pages before the first included.
  let seen = (first - 1) * o.itemsPerPage;
  for (let pageNum = first; o.maxPages === undefined || pageNum < first + o.maxPages; pageNum++) {
    const page = await fetchPage(pageNum);
    const results = page.results ?? [];
    yield* results;
    seen += results.length;
    const exhausted = page.totalCount !== undefined && seen >= page.totalCount;
    if (results.length < o.itemsPerPage || exhausted) return;
  }
}
