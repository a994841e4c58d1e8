import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Engine } from '../src/app/engine/engine.js';
import { loadArtifacts, onceReader } from '../src/core/artifacts/loader.js';

/** The models a dataset's page offers: a trained model only if the dataset's manifest lists its files. */
describe('models offered for a dataset', () => {
  const dir = join(import.meta.dirname, '../public/models/games');
  const read = (manifest?: (m: Record<string, unknown>) => Record<string, unknown>) =>
    onceReader(async (f: string) => {
      const bytes = new Uint8Array(readFileSync(join(dir, f)));
      if (f !== 'manifest.json' || !manifest) return bytes;
      return new TextEncoder().encode(JSON.stringify(manifest(JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>)));
    });

  it('Games ships every model of the catalogue; without its trained files, the trained models and the hybrid over them are not offered', async () => {
    const all = new Engine(await loadArtifacts(read())).status().map((m) => m.name);
    for (const m of ['bert4rec', 'llm2bert4rec', 'sasrec', 'llm2gru4rec', 'llmseqprompt', 'llmseqsim-sequential', 'llmseqsim-ft', 'v-sknn']) expect(all).toContain(m);
    const bare = new Engine(await loadArtifacts(read(({ sequentialModels: _s, promptModels: _p, ...m }) => m))).status().map((m) => m.name);
    for (const m of ['bert4rec', 'llm2bert4rec', 'sasrec', 'llm2gru4rec', 'llmseqprompt', 'llmseqsim-sequential']) expect(bare).not.toContain(m);
    for (const m of ['llmseqsim', 'v-sknn', 'mostpopular', 'llmseqsim-ft']) expect(bare).toContain(m);
  });
});
