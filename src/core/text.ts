/**
 * Text from input files (ids, keys, titles, file names) shown in a terminal or a message.
 * Control characters (C0, DEL, C1: an ESC sequence can move the cursor, recolour or retitle a
 * terminal, a CR can overwrite what was printed) and bidirectional overrides (which reorder
 * what a reader sees) are shown as \u escapes, so a file can never drive the terminal.
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function escapeControl(s: string): string {
  return s.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A value from an input file quoted for a message: escaped, and cut to `max` characters. */
export function quoteInput(value: string, max = 80): string {
  const cut = value.length > max ? `${value.slice(0, max)}…` : value;
  return `"${escapeControl(cut.replace(/\\/g, '\\\\').replace(/"/g, '\\"'))}"`;
}
