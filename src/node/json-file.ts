import { existsSync, readFileSync, statSync } from 'node:fs';
import type { z } from 'zod';
import { InputError } from '../core/errors.js';
import { parseJson, parseJsonText } from '../core/json.js';

/** Reads a file as UTF-8, rejecting bytes that are not UTF-8 (they would silently become U+FFFD). */
export function readUtf8File(path: string, label = path): string {
  if (!existsSync(path)) throw new InputError(label, 'not found');
  if (statSync(path).isDirectory()) throw new InputError(label, 'is a folder, not a file');
  const bytes = readFileSync(path);
  return decodeUtf8(bytes, label);
}

/** Decodes UTF-8 strictly; an error names the line of the first invalid byte. */
export function decodeUtf8(bytes: Uint8Array, label: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const text = new TextDecoder('utf-8').decode(bytes);
    const bad = text.indexOf('\ufffd');
    const line = bad < 0 ? undefined : text.slice(0, bad).split('\n').length;
    throw new InputError(label, 'is not valid UTF-8 text (save it as UTF-8)', line);
  }
}

/** The one reader of JSON input files in the CLI (see core/json.ts for what it checks). */
export function readJsonFile(path: string, label = path): unknown {
  return parseJson(readUtf8File(path, label), label);
}

/** readJsonFile, validated with a schema. */
export function readJsonFileAs<T>(path: string, schema: z.ZodType<T>, label = path): T {
  return parseJsonText(readUtf8File(path, label), label, schema);
}
