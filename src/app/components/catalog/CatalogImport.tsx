import type { EmbedDeviceChoice, FromEmbedder } from '../../embed/messages.js';
import { describeLocalVectors, type PanelContext } from './shared.js';

/** "Bring your own catalog": a CSV (id, title) parsed and embedded in workers; only embedding models serve it. */
export function CatalogImport(p: {
  readonly ctx: PanelContext;
  readonly imported: boolean;
  readonly datasetName: string;
  readonly parseCsv: (file: File) => Promise<FromEmbedder>;
  readonly embedCatalog: (titles: string[], device: EmbedDeviceChoice, label: string) => Promise<FromEmbedder>;
  /** `identity`: the CSV's own item ids and the hash of ids and titles (the session is stored under it). */
  readonly useCatalog: (name: string, titles: string[], vectors: Float32Array, dim: number, source: string, identity: { ids: string[]; hash: string }) => void;
  readonly restoreCatalog: () => void;
}) {
  const { ctx } = p;
  const importCsv = (file: File) =>
    ctx.run(async () => {
      ctx.say(null);
      const parsed = await p.parseCsv(file);
      if (parsed.type !== 'csv') return;
      const lines = parsed.skipped.slice(0, 20).map((s) => `line ${s.line}: ${s.reason}`);
      const skippedNote = parsed.skipped.length
        ? `${parsed.skipped.length} incomplete row${parsed.skipped.length > 1 ? 's' : ''} skipped${parsed.skipped.length > 20 ? ' (first 20 listed)' : ''}.`
        : '';
      const cutNote = parsed.truncated
        ? `${parsed.truncated.count.toLocaleString()} title${parsed.truncated.count > 1 ? 's' : ''} longer than ${parsed.truncated.maxChars.toLocaleString()} characters ${parsed.truncated.count > 1 ? 'were' : 'was'} cut to that length (first on line ${parsed.truncated.firstLine}).`
        : '';
      ctx.say({
        kind: parsed.skipped.length || parsed.truncated ? 'problem' : 'info',
        text: [`${parsed.name}: ${parsed.titles.length.toLocaleString()} items read.`, skippedNote, cutNote].filter(Boolean).join(' '),
        lines,
      });
      const r = await p.embedCatalog(parsed.titles, ctx.device, `Embedding ${parsed.titles.length.toLocaleString()} imported titles`);
      if (r.type === 'cancelled') return ctx.say({ kind: 'info', text: `Import of ${parsed.name} cancelled.` });
      if (r.type !== 'catalogDone') return;
      p.useCatalog(parsed.name, parsed.titles, r.vectors, r.dim, describeLocalVectors(r), { ids: parsed.ids, hash: parsed.hash });
    });

  return (
    <>
      <h3>Bring your own catalog</h3>
      <input
        type="file"
        accept=".csv,text/csv"
        disabled={ctx.busy}
        aria-label="Import a catalog CSV (id, title)"
        data-testid="csv-input"
        onChange={(e) => {
          const f = e.target.files?.[0];
          if (f) void importCsv(f);
          e.target.value = '';
        }}
      />
      {p.imported && (
        <button type="button" onClick={p.restoreCatalog} data-testid="restore-catalog">
          Back to {p.datasetName}
        </button>
      )}
    </>
  );
}
