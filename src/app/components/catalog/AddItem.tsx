import { useState } from 'react';
import type { EmbedDeviceChoice } from '../../embed/messages.js';
import type { PanelContext } from './shared.js';

/** A new item typed in, embedded and appended to the catalog: LLMSeqSim can recommend it at once (cold start). */
export function AddItem(p: {
  readonly ctx: PanelContext;
  readonly embedTexts: (texts: string[], device: EmbedDeviceChoice) => Promise<Float32Array[]>;
  readonly addItem: (title: string, vector: Float32Array) => void;
}) {
  const { ctx } = p;
  const [newTitle, setNewTitle] = useState('');
  const addNew = () =>
    ctx.run(async () => {
      const title = newTitle.trim();
      if (!title) return;
      const [v] = await p.embedTexts([title], ctx.device);
      p.addItem(title, v);
      setNewTitle('');
      ctx.say({ kind: 'info', text: `Added “${title}” to the catalog: LLMSeqSim can recommend it right away.` });
    });
  return (
    <>
      <h3>Add a new item</h3>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          void addNew();
        }}
      >
        <input value={newTitle} onChange={(e) => setNewTitle(e.target.value)} placeholder="Title of a new product" aria-label="New product title" data-testid="new-item-input" />
        <button type="submit" disabled={ctx.busy}>
          Add item
        </button>
      </form>
    </>
  );
}
