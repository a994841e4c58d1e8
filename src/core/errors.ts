import { escapeControl } from './text.js';

/**
 * An error about user-supplied input (a data file, a recommendation file, an artifact).
 * It always names the file and, where it can, the line (and column), so the CLI and the app
 * can show it as one clear sentence instead of a stack trace. Control characters from the
 * input (in the file name or a quoted value) are escaped here, once for every message.
 */
export class InputError extends Error {
  readonly file: string;
  readonly line: number | undefined;
  readonly column: number | undefined;

  constructor(file: string, message: string, line?: number, column?: number) {
    super(escapeControl(`${file}${line !== undefined ? `:${line}` : ''}${line !== undefined && column !== undefined ? `:${column}` : ''}: ${message}`));
    this.name = 'InputError';
    this.file = file;
    this.line = line;
    this.column = column;
  }
}
