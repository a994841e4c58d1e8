import { getBackend } from '@tensorflow/tfjs-core';
import type { EvalCases } from '../core/dataset/types.js';
import type { RecLists } from '../core/metrics/metrics.js';
import { topKInto } from '../core/vectors/topk.js';
import type { Ranked, Recommender } from '../recommenders/types.js';
import { topAmong } from '../recommenders/candidates.js';
import { seqCandidateScorer } from './candidates.js';
import type { SeqModel } from './model.js';

/**
 * A trained sequential model behind the project's Recommender interface. Session items the
 * model was not trained on (indices past its catalog, e.g. an item added in the app) are left
 * out of its input: it has no embedding for them, as a session-based model has no neighbours.
 */
export function seqRecommender(model: SeqModel, name: string, config: object): Recommender {
  model.freeze();
  const n = model.config.nItems;
  const scoreAmong = seqCandidateScorer(model);
  const known = (s: Int32Array): Int32Array => (s.every((i) => i >= 0 && i < n) ? s : s.filter((i) => i >= 0 && i < n));

  function select(row: Float32Array, prompt: ArrayLike<number>, k: number, out: Int32Array, scores: Float32Array | null, offset: number): void {
    for (let i = 0; i < prompt.length; i++) row[prompt[i]] = -Infinity;
    topKInto(row, k, out, scores, offset);
  }

  /**
   * "Because": leave-one-out attribution. The session is scored once more without each of its
   * items (one batched call); a recommendation is explained by the item whose removal lowers
   * its score the most. One item: that item. Not on WebGL/WebGPU: there every new tensor shape
   * compiles shaders (the m leave-one-out prompts are a new shape per session length), which
   * made the first recommendations on SwiftShader's WebGPU take over 30 s.
   */
  async function explainBy(session: Int32Array, items: Int32Array, sync: boolean): Promise<Int32Array> {
    const because = new Int32Array(items.length).fill(-1);
    const m = session.length;
    if (m === 1) {
      items.forEach((it, j) => (because[j] = it >= 0 ? session[0] : -1));
      return because;
    }
    const prompts = Array.from({ length: m }, (_, j) => Int32Array.from([...session.subarray(0, j), ...session.subarray(j + 1)]));
    const t = model.scorePrompts(prompts);
    let data: Float32Array;
    try {
      data = (sync ? t.dataSync() : await t.data()) as Float32Array;
    } finally {
      t.dispose();
    }
    items.forEach((it, r) => {
      if (it < 0) return;
      let best = -1;
      let lowest = Infinity;
      for (let j = 0; j < m; j++) {
        const v = data[j * n + it];
        if (v < lowest) {
          lowest = v;
          best = j;
        }
      }
      because[r] = session[best];
    });
    return because;
  }

  /**
   * Compiles the programs of every prompt length one-session scoring uses (PROMPT_BUCKETS), so
   * no later session length stalls on a shader compile. Run by the first asynchronous call:
   * in the app that is the worker's warm-up after the model loads, before it is shown.
   */
  let warm: Promise<void> | null = null;
  async function warmUp(): Promise<void> {
    for (const L of model.promptBuckets) {
      const t = L === 1 ? model.scoreOneSession([0]) : model.scorePrompts([[0]], L);
      try {
        await t.data();
      } finally {
        t.dispose();
      }
    }
  }

  return {
    name,
    config,
    recommend(all: Int32Array, k: number): Ranked {
      const items = new Int32Array(k).fill(-1);
      const scores = new Float32Array(k).fill(-Infinity);
      const session = known(all);
      if (session.length === 0) return { items, scores };
      const t = model.scoreOneSession(session);
      const row = (t.dataSync() as Float32Array).slice();
      t.dispose();
      select(row, session, k, items, scores, 0);
      return { items, scores };
    },
    /** Reads the scores back without blocking (WebGPU/WebGL readback is asynchronous). */
    async recommendAsync(all: Int32Array, k: number, explain = false): Promise<Ranked> {
      const items = new Int32Array(k).fill(-1);
      const scores = new Float32Array(k).fill(-Infinity);
      const session = known(all);
      if (session.length === 0) return { items, scores };
      if (!warm) {
        await model.prepareOneSession();
        // The first call (the app's warm-up, before the model is announced) compiles every bucket,
        // so no later session waits for a compile. A failure there shows on the real call below.
        warm = warmUp().catch(() => undefined);
        await warm;
      }
      const t = model.scoreOneSession(session);
      try {
        const row = ((await t.data()) as Float32Array).slice();
        select(row, session, k, items, scores, 0);
      } finally {
        t.dispose();
      }
      const gpu = getBackend() === 'webgl' || getBackend() === 'webgpu';
      return explain && !gpu ? { items, scores, because: await explainBy(session, items, false) } : { items, scores };
    },
    /** Scores only the candidates' rows (src/neural/candidates.ts), explained as recommendAsync is. */
    async recommendAmong(all: Int32Array, candidates: Int32Array, k: number, explain = false): Promise<Ranked> {
      const session = known(all);
      if (session.length === 0) return { items: new Int32Array(k).fill(-1), scores: new Float32Array(k).fill(-Infinity) };
      const r = topAmong(candidates, await scoreAmong(session, candidates), session, k);
      const gpu = getBackend() === 'webgl' || getBackend() === 'webgpu';
      return explain && !gpu ? { ...r, because: await explainBy(session, r.items, false) } : r;
    },
    recommendBatch(cases: EvalCases, k: number, onProgress?: (done: number) => void): RecLists {
      const total = cases.targets.length;
      const out = new Int32Array(total * k).fill(-1);
      // Batches of similar prompt length (less padding), results written back in case order.
      const order = Array.from({ length: total }, (_, c) => c).sort(
        (a, b) => cases.promptOffsets[a + 1] - cases.promptOffsets[a] - (cases.promptOffsets[b + 1] - cases.promptOffsets[b]),
      );
      const B = 256;
      for (let s = 0; s < total; s += B) {
        const ids = order.slice(s, s + B);
        const prompts = ids.map((c) => cases.promptItems.subarray(cases.promptOffsets[c], cases.promptOffsets[c + 1]));
        const t = model.scorePrompts(prompts);
        const data = t.dataSync() as Float32Array;
        t.dispose();
        ids.forEach((c, r) => select(data.subarray(r * n, (r + 1) * n), prompts[r], k, out, null, c * k));
        onProgress?.(Math.min(total, s + B));
      }
      return { k, items: out };
    },
    dispose: () => model.dispose(),
  };
}
