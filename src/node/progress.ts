import cliProgress from 'cli-progress';

/**
 * A progress bar on stderr. On a terminal it redraws in place; when stderr is not a terminal
 * (CI logs, `nohup ... > log`) it prints one line every `NON_TTY_INTERVAL_MS` (and at the end),
 * so long runs show their progress in the log. Silent only when quiet.
 */
export interface Progress {
  /** `status`: a short text shown after the bar (e.g. the running loss). */
  update(done: number, total?: number, status?: string): void;
  stop(): void;
}

/** How often a line is printed when stderr is not a terminal. */
export const NON_TTY_INTERVAL_MS = Number(process.env.PROGRESS_INTERVAL_MS ?? 10_000);

export function progressBar(label: string, total: number, quiet = false, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (quiet) return { update: () => undefined, stop: () => undefined };
  const tty = Boolean(stream.isTTY);
  const bar = new cliProgress.SingleBar(
    {
      format: `${label.padEnd(28)} {bar} {percentage}% | {value}/{total} | {duration_formatted} elapsed, ETA {eta_formatted} {status}`,
      stream,
      hideCursor: tty,
      clearOnComplete: false,
      // Without a terminal cli-progress writes a line per render; its own schedule is a timer,
      // which never fires while our synchronous loops run, so `update` renders on our clock.
      noTTYOutput: true,
      notTTYSchedule: 2 ** 30,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { status: '' });
  let lastLine = Date.now();
  return {
    update(done: number, newTotal?: number, status?: string) {
      if (newTotal !== undefined && newTotal !== total) {
        total = newTotal;
        bar.setTotal(newTotal);
      }
      bar.update(done, status === undefined ? undefined : { status: `| ${status}` });
      if (!tty && Date.now() - lastLine >= NON_TTY_INTERVAL_MS) {
        lastLine = Date.now();
        bar.render();
      }
    },
    stop() {
      bar.stop();
    },
  };
}
