import cliProgress from 'cli-progress';

/** A progress bar on stderr (silent when stderr is not a terminal, or when quiet). */
export interface Progress {
  /** `status`: a short text shown after the bar (e.g. the running loss). */
  update(done: number, total?: number, status?: string): void;
  stop(): void;
}

export function progressBar(label: string, total: number, quiet = false): Progress {
  if (quiet || !process.stderr.isTTY) return { update: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    {
      format: `${label.padEnd(28)} {bar} {percentage}% | {value}/{total} | {duration_formatted} elapsed, ETA {eta_formatted} {status}`,
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { status: '' });
  return {
    update(done: number, newTotal?: number, status?: string) {
      if (newTotal !== undefined && newTotal !== total) {
        total = newTotal;
        bar.setTotal(newTotal);
      }
      bar.update(done, status === undefined ? undefined : { status: `| ${status}` });
    },
    stop() {
      bar.stop();
    },
  };
}
