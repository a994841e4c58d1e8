/**
 * Fuzzy matching of a model's output lines to a fixed list of names (the extension's Classify
 * and Rank variants: the 200 cluster names, or the 20 candidates to re-rank). Similarity is
 * 1 - Levenshtein distance / longer length on lowercased, whitespace-collapsed text.
 * Hand-written (a few lines): the npm packages for it add a dependency for one function.
 */
function norm(s: string): string {
  return s.toLowerCase().trim().replace(/\s+/g, ' ');
}

export function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let prev = new Int32Array(b.length + 1);
  let cur = new Int32Array(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      const cost = ca === b.charCodeAt(j - 1) ? 0 : 1;
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[b.length];
}

export function similarity(a: string, b: string): number {
  const x = norm(a);
  const y = norm(b);
  const len = Math.max(x.length, y.length);
  return len === 0 ? 1 : 1 - levenshtein(x, y) / len;
}

/**
 * Each output line's best candidate (index into `candidates`), each candidate at most once, in
 * output order; lines whose best remaining candidate is below `minSimilarity` are skipped.
 */
export function fuzzyMatchList(lines: readonly string[], candidates: readonly string[], minSimilarity = 0.5): number[] {
  const used = new Set<number>();
  const out: number[] = [];
  for (const line of lines) {
    let best = -1;
    let bestSim = -1;
    candidates.forEach((c, i) => {
      if (used.has(i)) return;
      const s = similarity(line, c);
      if (s > bestSim) [best, bestSim] = [i, s];
    });
    if (best >= 0 && bestSim >= minSimilarity) {
      used.add(best);
      out.push(best);
    }
  }
  return out;
}
