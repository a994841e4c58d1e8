/**
 * A synthetic catalog for the big-catalog bench: titles generated from the real Beauty and
 * Games titles by a word-bigram chain (each next word is drawn from the words that follow the
 * current one in a real title; title lengths drawn from the real ones), embedded by the real
 * embedder (potion-base-4M-int8 through transformers.js, as `cli embed`) and stored as the
 * app's int8 embedding format. Cached under .cache/big-catalog/ (never committed).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { encodeEmbeddings } from '../../src/core/artifacts/embeddings.js';
import { mulberry32 } from '../../src/core/vectors/random.js';
import { embedCatalog } from '../../src/embedders/catalog.js';
import { loadTransformersEmbedder } from '../../src/embedders/transformers.js';
import { MODELS_DIR, ROOT } from '../../src/node/paths.js';

const GAMES_ITEMS = process.env.GAMES_ITEMS ?? '/work/shared/data/games/items.csv';

function titlesOf(csvText: string): string[] {
  const rows = parse(csvText, { columns: true, skip_empty_lines: true, relax_quotes: true }) as { title?: string }[];
  return rows.map((r) => (r.title ?? '').trim()).filter((t) => t.length > 0);
}

export function sourceTitles(): { beauty: string[]; games: string[] } {
  const beauty = titlesOf(gunzipSync(readFileSync(join(ROOT, 'data', 'beauty', 'items.csv.gz'))).toString('utf8'));
  const games = existsSync(GAMES_ITEMS) ? titlesOf(readFileSync(GAMES_ITEMS, 'utf8')) : [];
  return { beauty, games };
}

/** n titles from a word-bigram chain over the source titles (deterministic for a seed). */
export function generateTitles(sources: readonly string[], n: number, seed: number): string[] {
  const rand = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const next = new Map<string, string[]>();
  const starts: string[] = [];
  const lengths: number[] = [];
  for (const t of sources) {
    const w = t.split(/\s+/).filter(Boolean).slice(0, 40);
    if (w.length === 0) continue;
    starts.push(w[0]);
    lengths.push(w.length);
    for (let i = 0; i + 1 < w.length; i++) {
      let l = next.get(w[i]);
      if (!l) next.set(w[i], (l = []));
      l.push(w[i + 1]);
    }
  }
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const len = pick(lengths);
    const words = [pick(starts)];
    while (words.length < len) {
      const cands = next.get(words[words.length - 1]);
      words.push(cands ? pick(cands) : pick(starts));
    }
    out.push(words.join(' '));
  }
  return out;
}

export interface BigCatalog {
  readonly dir: string;
  readonly count: number;
  readonly dim: number;
  readonly embeddingsFile: string;
  readonly bytes: number;
  readonly embedSeconds: number;
  readonly sample: string[];
}

/** Generates, embeds and caches a catalog of n items; reuses the cache when present. */
export async function bigCatalog(n: number, seed = 1, log: (m: string) => void = console.log): Promise<BigCatalog> {
  const dir = join(ROOT, '.cache', 'big-catalog', `${n}-${seed}`);
  const metaPath = join(dir, 'meta.json');
  if (existsSync(metaPath)) return JSON.parse(readFileSync(metaPath, 'utf8')) as BigCatalog;
  const { beauty, games } = sourceTitles();
  log(`generating ${n} titles from ${beauty.length} Beauty and ${games.length} Games titles`);
  const titles = generateTitles([...beauty, ...games], n, seed);
  const embedder = await loadTransformersEmbedder({ model: 'potion-base-4M-int8', localModelPath: `${MODELS_DIR}/` });
  const t0 = performance.now();
  let lastLog = 0;
  const { vectors } = await embedCatalog(titles, embedder, {
    batchSize: 256,
    onProgress: (done, total) => {
      if (performance.now() - lastLog > 15_000) {
        lastLog = performance.now();
        log(`embedded ${done}/${total}`);
      }
    },
  });
  const embedSeconds = (performance.now() - t0) / 1000;
  mkdirSync(dir, { recursive: true });
  const bytes = encodeEmbeddings(vectors, 'int8');
  writeFileSync(join(dir, 'embeddings.int8.bin'), bytes);
  writeFileSync(join(dir, 'titles.json'), JSON.stringify(titles));
  const meta: BigCatalog = { dir, count: n, dim: vectors.cols, embeddingsFile: 'embeddings.int8.bin', bytes: bytes.byteLength, embedSeconds, sample: titles.slice(0, 5) };
  writeFileSync(metaPath, JSON.stringify(meta, null, 2));
  return meta;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const n = Number(process.argv[2] ?? 100_000);
  const c = await bigCatalog(n);
  console.log(JSON.stringify(c, null, 2));
}
