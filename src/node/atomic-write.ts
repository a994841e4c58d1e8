import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Crash-safe file writes: the bytes go to a temporary file in the same folder, are flushed to
 * disk (fsync), and the temporary file is renamed over the target (atomic on POSIX), then the
 * folder is flushed so the rename itself survives a power cut. A crash at any point leaves
 * either the old file or the new one, never a torn one.
 */

/**
 * Test-only crash injection (used by tests/crash-safety.test.ts, inert unless the variable is
 * set): LLMSEQREC_TEST_CRASH=`write:<file name>:<bytes>` kills the process (SIGKILL, like a
 * power cut) after that many bytes of that file's temporary copy are written;
 * `renamed:<file name>` right after it is renamed into place; `commit` right after an
 * artifact transaction is committed, before its files are moved into place.
 */
const CRASH = process.env.LLMSEQREC_TEST_CRASH ?? '';

export function crashPoint(kind: 'renamed' | 'commit', file = ''): void {
  if (!CRASH) return;
  if ((kind === 'commit' && CRASH === 'commit') || (kind === 'renamed' && CRASH === `renamed:${basename(file)}`)) {
    process.kill(process.pid, 'SIGKILL');
  }
}

function crashAfterBytes(file: string): number {
  if (!CRASH.startsWith('write:')) return -1;
  const at = CRASH.lastIndexOf(':');
  return CRASH.slice(6, at) === basename(file) ? Number(CRASH.slice(at + 1)) : -1;
}

/** Writes and fsyncs `bytes` at `path` (creating or truncating it); not atomic by itself. */
export function writeDurable(path: string, data: Uint8Array | string, crashName = path): void {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  mkdirSync(dirname(path), { recursive: true });
  const fd = openSync(path, 'w');
  try {
    const stopAt = crashAfterBytes(crashName);
    let off = 0;
    while (off < bytes.byteLength) {
      const end = stopAt >= off && stopAt < bytes.byteLength ? stopAt : bytes.byteLength;
      off += writeSync(fd, bytes, off, Math.max(end - off, 0));
      if (off === stopAt) {
        fsyncSync(fd);
        process.kill(process.pid, 'SIGKILL');
      }
    }
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Flushes a folder's entries (the renames in it). Some file systems refuse: then it is a no-op. */
export function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // e.g. not supported on this platform: the rename is still atomic, only its durability waits
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

let tmpCounter = 0;

/** The temporary name used next to `path` (hidden, unique to this process). */
export function tempPathFor(path: string, tag = 'tmp'): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}-${tmpCounter++}.${tag}`);
}

/** Removes temporary copies of `path` left by a process that died while writing it. */
function sweepTemps(path: string): void {
  const prefix = `.${basename(path)}.`;
  const dir = dirname(path);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const n of names) {
    if (n.startsWith(prefix) && /\.\d+-\d+\.tmp$/.test(n) && !n.startsWith(`${prefix}${process.pid}-`)) rmSync(join(dir, n), { force: true });
  }
}

/** Atomically replaces `path` with `data` (temporary file in the same folder, fsync, rename). */
export function writeFileAtomic(path: string, data: Uint8Array | string): void {
  sweepTemps(path);
  const tmp = tempPathFor(path);
  writeDurable(tmp, data, path);
  renameSync(tmp, path);
  fsyncDir(dirname(path));
  crashPoint('renamed', path);
}
