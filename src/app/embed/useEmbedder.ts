import { useCallback, useEffect, useRef, useState } from 'react';
import type { EmbedDeviceChoice, EmbedderInfo, FromEmbedder, ToEmbedder } from './messages.js';

export interface EmbedProgress {
  readonly label: string;
  readonly done: number;
  readonly total: number;
  readonly elapsedMs: number;
}

/** The local-embedding worker, started on first use (the app never loads it otherwise). */
export function useEmbedder() {
  const worker = useRef<Worker | null>(null);
  const waiting = useRef(new Map<number, { resolve: (m: FromEmbedder) => void; reject: (e: Error) => void; label?: string }>());
  const nextId = useRef(1);
  const [progress, setProgress] = useState<EmbedProgress | null>(null);
  const [info, setInfo] = useState<EmbedderInfo | null>(null);
  const running = useRef<number | null>(null);

  useEffect(() => () => worker.current?.terminate(), []);

  const call = useCallback((make: (id: number) => ToEmbedder, label?: string): Promise<FromEmbedder> => {
    if (!worker.current) {
      const w = new Worker(new URL('./embed.worker.ts', import.meta.url), { type: 'module' });
      w.onmessage = (ev: MessageEvent<FromEmbedder>) => {
        const msg = ev.data;
        const entry = waiting.current.get(msg.id);
        if (msg.type === 'progress') {
          setProgress({ label: entry?.label ?? 'Embedding', done: msg.done, total: msg.total, elapsedMs: msg.elapsedMs });
          return;
        }
        waiting.current.delete(msg.id);
        if (running.current === msg.id) {
          running.current = null;
          setProgress(null);
        }
        if (msg.type === 'catalogDone' || msg.type === 'textsDone') setInfo(msg.info);
        if (msg.type === 'error') entry?.reject(new Error(msg.message));
        else entry?.resolve(msg);
      };
      worker.current = w;
    }
    const id = nextId.current++;
    const msg = make(id);
    return new Promise<FromEmbedder>((resolve, reject) => {
      waiting.current.set(id, { resolve, reject, label });
      if (msg.type === 'embedCatalog') {
        running.current = id;
        setProgress({ label: label ?? 'Embedding', done: 0, total: msg.titles.length, elapsedMs: 0 });
      }
      worker.current!.postMessage(msg);
    });
  }, []);

  const embedCatalog = useCallback(
    (titles: string[], device: EmbedDeviceChoice, label: string, useCache = true) =>
      call((id) => ({ type: 'embedCatalog', id, titles, device, useCache }), label),
    [call],
  );
  const embedTexts = useCallback(
    async (texts: string[], device: EmbedDeviceChoice): Promise<Float32Array[]> => {
      const r = await call((id) => ({ type: 'embedTexts', id, texts, device }));
      if (r.type !== 'textsDone') throw new Error('unexpected reply from the embedding worker');
      return texts.map((_, i) => r.vectors.slice(i * r.dim, (i + 1) * r.dim));
    },
    [call],
  );
  const parseCsv = useCallback((file: File) => call((id) => ({ type: 'parseCsv', id, file })), [call]);
  const cancel = useCallback(() => {
    if (running.current !== null) worker.current?.postMessage({ type: 'cancel', id: running.current } satisfies ToEmbedder);
  }, []);

  return { progress, info, embedCatalog, embedTexts, parseCsv, cancel };
}
