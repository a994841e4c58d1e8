import type { EmbedDeviceChoice, FromEmbedder } from '../../embed/messages.js';
import { recordEmbedding } from '../../test-hooks.js';

/** A message of the catalog panel: what happened, or what went wrong (with listed lines). */
export interface PanelMessage {
  readonly kind: 'info' | 'problem';
  readonly text: string;
  readonly lines?: string[];
}

/** What every part of the catalog panel shares: the embedding device, whether one job runs, and how to report. */
export interface PanelContext {
  readonly device: EmbedDeviceChoice;
  readonly busy: boolean;
  /** Runs a job; an error becomes the panel's problem message. */
  run(what: () => Promise<void>): Promise<void>;
  say(message: PanelMessage | null): void;
}

/** The source line shown for vectors computed in the browser. */
export function describeLocalVectors(r: Extract<FromEmbedder, { type: 'catalogDone' }>): string {
  recordEmbedding(r);
  return `computed in this browser: ${r.info.model} on ${r.info.device.toUpperCase()}${r.fromCache ? ' (from the IndexedDB cache)' : ` in ${(r.ms / 1000).toFixed(1)} s`}`;
}
