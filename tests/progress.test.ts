import { Writable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { NON_TTY_INTERVAL_MS, progressBar } from '../src/node/progress.js';

/** Without a terminal (CI logs, nohup), progress is printed as periodic lines. */
function fakeStream(tty: boolean): { stream: NodeJS.WriteStream; text: () => string } {
  const chunks: string[] = [];
  const w = new Writable({
    write(c: Buffer | string, _e, cb) {
      chunks.push(String(c));
      cb();
    },
  });
  Object.assign(w, { isTTY: tty, columns: 200, cursorTo: () => true, clearLine: () => true, moveCursor: () => true });
  return { stream: w as unknown as NodeJS.WriteStream, text: () => chunks.join('') };
}

describe('progress lines without a terminal', () => {
  afterEach(() => vi.useRealTimers());

  it('prints a line per interval while a synchronous loop runs, and one at the end', () => {
    vi.useFakeTimers();
    const { stream, text } = fakeStream(false);
    const bar = progressBar('tuning sknn', 100, false, stream);
    for (let i = 1; i <= 100; i++) {
      vi.setSystemTime(Date.now() + NON_TTY_INTERVAL_MS / 20); // 100 steps = 5 intervals
      bar.update(i);
    }
    bar.stop();
    const lines = text().split('\n').filter((l) => l.includes('tuning sknn'));
    // One line per interval (5), plus the start and the end lines: not one per update.
    expect(lines.length).toBeGreaterThanOrEqual(6);
    expect(lines.length).toBeLessThan(12);
    expect(lines.some((l) => l.includes('| 20/100 |'))).toBe(true);
    expect(lines[lines.length - 1]).toContain('100/100');
  });

  it('prints nothing when quiet', () => {
    const { stream, text } = fakeStream(false);
    const bar = progressBar('x', 10, true, stream);
    bar.update(5);
    bar.stop();
    expect(text()).toBe('');
  });
});
