/**
 * An error about user-supplied input (a data file, a recommendation file, an artifact).
 * It always names the file and, where it can, the line, so the CLI and the app can show it
 * as one clear sentence instead of a stack trace.
 */
export class InputError extends Error {
  readonly file: string;
  readonly line: number | undefined;

  constructor(file: string, message: string, line?: number) {
    super(`${file}${line !== undefined ? `:${line}` : ''}: ${message}`);
    this.name = 'InputError';
    this.file = file;
    this.line = line;
  }
}
