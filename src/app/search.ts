/**
 * As-you-type catalog search: every query word must occur in the title (case-insensitive,
 * prefix of a word or anywhere for words of 3+ letters); results are ranked by popularity.
 * 12k titles are scanned in well under a millisecond per keystroke, so no index is needed.
 */
export function buildSearchIndex(titles: readonly string[]): string[] {
  return titles.map((t) => ` ${t.toLowerCase()}`);
}

export function searchCatalog(index: readonly string[], popularity: Float64Array, query: string, limit = 12): number[] {
  const words = query
    .toLowerCase()
    .split(/\s+/)
    .filter((w) => w.length > 0);
  if (words.length === 0) return [];
  const hits: number[] = [];
  for (let i = 0; i < index.length; i++) {
    const t = index[i];
    let ok = true;
    for (const w of words) {
      if (!(w.length >= 3 ? t.includes(w) : t.includes(` ${w}`))) {
        ok = false;
        break;
      }
    }
    if (ok) hits.push(i);
  }
  hits.sort((a, b) => popularity[b] - popularity[a] || a - b);
  return hits.slice(0, limit);
}
