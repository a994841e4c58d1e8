import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';

interface CheckpointLine {
  readonly items: number[];
  readonly vectors: number[][];
}

/**
 * An append-only JSONL file of finished embedding batches (item index -> vector), so an
 * interrupted remote embedding run resumes where it stopped. A torn last line (the process
 * died mid-write) is ignored and recomputed.
 */
export class EmbeddingCheckpoint {
  constructor(readonly path: string) {}

  load(): Map<number, Float32Array> {
    const done = new Map<number, Float32Array>();
    if (!existsSync(this.path)) return done;
    for (const line of readFileSync(this.path, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      let c: CheckpointLine;
      try {
        c = JSON.parse(line) as CheckpointLine;
      } catch {
        break;
      }
      c.items.forEach((it, j) => done.set(it, Float32Array.from(c.vectors[j])));
    }
    return done;
  }

  append(items: readonly number[], rows: readonly Float32Array[]): void {
    mkdirSync(dirname(this.path), { recursive: true });
    const line: CheckpointLine = { items: [...items], vectors: rows.map((r) => Array.from(r)) };
    appendFileSync(this.path, `${JSON.stringify(line)}\n`);
  }

  remove(): void {
    if (existsSync(this.path)) rmSync(this.path);
  }
}
