import { BACKENDS, type BackendChoice } from './engine/messages.js';

/** The shopper's session and settings live in localStorage only: nothing leaves the device. */
const SESSION_KEY = (dataset: string) => `llmseqrec:session:${dataset}`;
const BACKEND_KEY = 'llmseqrec:backend';

export function loadSessionIds(dataset: string): number[] {
  try {
    const raw = JSON.parse(localStorage.getItem(SESSION_KEY(dataset)) ?? '[]') as unknown;
    return Array.isArray(raw) ? raw.filter((x): x is number => Number.isInteger(x)) : [];
  } catch {
    return [];
  }
}

export function saveSessionIds(dataset: string, ids: readonly number[]): void {
  try {
    localStorage.setItem(SESSION_KEY(dataset), JSON.stringify(ids));
  } catch {
    // storage full or disabled: the session still works, it just won't survive a reload
  }
}

function isChoice(x: string | null): x is BackendChoice {
  return x === 'auto' || (x !== null && (BACKENDS as readonly string[]).includes(x));
}

/** `?backend=` in the URL wins over the saved setting (handy for links and tests). */
export function loadBackendChoice(): BackendChoice {
  const fromUrl = new URLSearchParams(location.search).get('backend');
  if (isChoice(fromUrl)) return fromUrl;
  const saved = localStorage.getItem(BACKEND_KEY);
  return isChoice(saved) ? saved : 'auto';
}

export function saveBackendChoice(choice: BackendChoice): void {
  localStorage.setItem(BACKEND_KEY, choice);
}
