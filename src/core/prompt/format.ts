import type { SessionSet } from '../dataset/types.js';
import { mulberry32 } from '../vectors/random.js';

/**
 * The fine-tuning data of LLMSeqPrompt (Harte et al. RecSys'23; Boz et al. 2024,
 * dh-r/LLM-Sequential-Recommendation): one prompt-completion pair per training session, the
 * session's last item as the completion. Pure string building, shared by the CLI
 * (`prompt-data`), the OpenAI-compatible provider and the local language model.
 */

/** Separator between the prompt and the completion (the RecSys'23 format). */
export const PROMPT_END = '\n\n###\n\n';
/** The completion's end marker; generation stops at it (`stop="###"`). */
export const STOP = '###';
/** Prompts longer than this many characters are cut to their last MAX_PROMPT_ITEMS items. */
export const MAX_PROMPT_CHARS = 5000;
export const MAX_PROMPT_ITEMS = 20;
/** The first VALID_SESSIONS shuffled training sessions are the validation file. */
export const VALID_SESSIONS = 500;
/** A title the catalog leaves empty is written as this (the authors' code writes NaN names so). */
export const UNKNOWN_ITEM = 'Unknown item';

export function itemName(titles: readonly string[], item: number): string {
  const t = titles[item];
  return t === undefined || t.trim() === '' ? UNKNOWN_ITEM : t;
}

/**
 * The RecSys'23 prompt, as issue #11 gives it: `"1. {name} \n2. {name} \n...N. {name} \n\n###\n\n"`.
 * (The authors' create_prompt.py appends " \n\n###\n\n", one more space, after the last item's
 * " \n"; the issue's text is the format here.) Cut to the last 20 items when longer than 5,000
 * characters, numbered from 1 again.
 */
export function recsysPrompt(names: readonly string[]): string {
  const build = (ns: readonly string[]) => ns.map((n, i) => `${i + 1}. ${n} \n`).join('') + PROMPT_END.slice(1);
  const full = build(names);
  return full.length > MAX_PROMPT_CHARS ? build(names.slice(-MAX_PROMPT_ITEMS)) : full;
}

/** The RecSys'23 completion: `" {name} ###"`. */
export function recsysCompletion(name: string): string {
  return ` ${name} ${STOP}`;
}

/**
 * `json.dumps` of Python's standard library with its defaults (ensure_ascii, `", "` and `": "`
 * separators), so a line is byte-for-byte what the authors' notebooks write. JSON.stringify
 * differs (no spaces, raw non-ASCII), hence this small writer.
 */
export function pyJson(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return pyString(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`pyJson: ${value} is not JSON`);
    return Number.isInteger(value) ? String(value) : String(value);
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Array.isArray(value)) return `[${value.map(pyJson).join(', ')}]`;
  if (typeof value === 'object') {
    return `{${Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${pyString(k)}: ${pyJson(v)}`)
      .join(', ')}}`;
  }
  throw new TypeError(`pyJson: cannot write a ${typeof value}`);
}

const ESCAPES: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };

function pyString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    const code = s.charCodeAt(i);
    if (ESCAPES[ch] !== undefined) out += ESCAPES[ch];
    else if (code < 0x20 || code > 0x7e) out += `\\u${code.toString(16).padStart(4, '0')}`; // UTF-16 units: surrogate pairs as Python writes them
    else out += ch;
  }
  return `${out}"`;
}

/** Training sessions with at least 2 items, in a seeded shuffled order (Fisher-Yates, mulberry32). */
export function shuffledSessions(train: SessionSet, seed: number): Int32Array[] {
  const out: Int32Array[] = [];
  for (let s = 0; s + 1 < train.offsets.length; s++) {
    const items = train.items.subarray(train.offsets[s], train.offsets[s + 1]);
    if (items.length >= 2) out.push(items);
  }
  const rand = mulberry32(seed);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** Validation (the first `nValid` shuffled sessions) and training sessions, as the authors split them. */
export function promptSplit(train: SessionSet, seed: number, nValid = VALID_SESSIONS): { train: Int32Array[]; valid: Int32Array[] } {
  const all = shuffledSessions(train, seed);
  return { valid: all.slice(0, nValid), train: all.slice(nValid) };
}

export interface PromptCompletion {
  readonly prompt: string;
  readonly completion: string;
}

export function recsysPair(session: ArrayLike<number>, titles: readonly string[]): PromptCompletion {
  const names: string[] = [];
  for (let i = 0; i + 1 < session.length; i++) names.push(itemName(titles, session[i]));
  return { prompt: recsysPrompt(names), completion: recsysCompletion(itemName(titles, session[session.length - 1])) };
}

/** One JSONL line of the RecSys'23 format. */
export function recsysLine(session: ArrayLike<number>, titles: readonly string[]): string {
  const p = recsysPair(session, titles);
  return pyJson({ prompt: p.prompt, completion: p.completion });
}

// ---- The extension's chat format (Boz et al. 2024), templates as in the authors' notebooks ----

export type ChatVariant = 'genitem' | 'genlist' | 'classify' | 'rank';
export const CHAT_VARIANTS: readonly ChatVariant[] = ['genitem', 'genlist', 'classify', 'rank'];

export interface ChatMessage {
  readonly role: 'system' | 'user' | 'assistant';
  readonly content: string;
}

export const CHAT_SYSTEM: Record<ChatVariant, string> = {
  genitem:
    "Provide a unique item recommendation that is complementary to the user's item list. \n" +
    'Ensure the recommendation is from items included in the data you are fine-tuned with. List only the item name.',
  genlist:
    'You are a recommender system assistant.\n' +
    "Provide 20 unique item recommendations complementary to the user's item list, ordered by the confidence level of each recommendation.\n" +
    'Ensure all recommendations are from items included in the data you are fine-tuned with. List only the item names.\n',
  classify:
    "You are a recommender system assistant. You have access to the user's previous purchases and a list of availabe products.\n" +
    'Provide 20 product recommendations for this user, only select from the available products.\n',
  rank:
    "You are a recommender system assistant.You have access to the user's previous purchases and a list of availabe products.\n" +
    'Provide 20 product recommendations for this user, only select from the available products.\n',
};

/** `"1. a\n2. b\n"` as the notebooks' stringify_ranked_list. */
export function rankedList(names: readonly string[]): string {
  return names.map((n, i) => `${i + 1}. ${n}\n`).join('');
}

function candidatesUser(history: readonly string[], candidates: readonly string[]): string {
  return `\nThe user's previous purchases: \n${history.join('\n')}\n\nAvailable products:\n${candidates.join('\n')}\n\n\nPlease remember to only select recommendations from the available products.\n`;
}

/**
 * The user message of a variant. `candidates`: classify, the names of all clusters; rank, the
 * candidates to re-rank (shuffled by the caller).
 */
export function chatUser(variant: ChatVariant, history: readonly string[], candidates: readonly string[] = []): string {
  switch (variant) {
    case 'genitem':
      return `The user's item list:\n${history.join('\n')}`;
    case 'genlist':
      return `The user's item list are in the following lines\ndelimited by BEGIN and END. Each item is in a separate line:\nBEGIN\n${history.join('\n')}\nEND\n`;
    case 'classify':
    case 'rank':
      return candidatesUser(history, candidates);
  }
}

/** The assistant message (the training target): one name (genitem) or a ranked list. */
export function chatAssistant(variant: ChatVariant, target: readonly string[]): string {
  switch (variant) {
    case 'genitem':
      return target[0];
    case 'genlist':
      return `The recommendations are in the following\nlines, in decreasing confidence order. The recommendations are delimited by\nBEGIN and END. Each recommendation is in a separate line:\nBEGIN\n${rankedList(target)}\nEND\n`;
    case 'classify':
    case 'rank':
      return rankedList(target);
  }
}

export function chatMessages(variant: ChatVariant, history: readonly string[], target: readonly string[], candidates: readonly string[] = []): ChatMessage[] {
  return [
    { role: 'system', content: CHAT_SYSTEM[variant] },
    { role: 'user', content: chatUser(variant, history, candidates) },
    { role: 'assistant', content: chatAssistant(variant, target) },
  ];
}

export function chatLine(messages: readonly ChatMessage[]): string {
  return pyJson({ messages: messages.map((m) => ({ role: m.role, content: m.content })) });
}

/** The names of a model's ranked-list answer ("1. a\n2. b" or one name per line), in order. */
export function parseRankedList(text: string): string[] {
  const lines = text.split('\n').map((l) => l.trim());
  const body = lines.includes('BEGIN') ? lines.slice(lines.indexOf('BEGIN') + 1, lines.includes('END') ? lines.indexOf('END') : undefined) : lines;
  return body.map((l) => l.replace(/^\d+[.)]\s*/, '').trim()).filter((l) => l !== '' && l !== 'BEGIN' && l !== 'END');
}

/** A completion's name: the text before the stop marker, trimmed. */
export function completionName(text: string): string {
  const at = text.indexOf(STOP);
  return (at >= 0 ? text.slice(0, at) : text).trim();
}
