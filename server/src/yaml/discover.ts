/**
 * Finding manifest files under the paths a user names. Folders are searched
 * for *.yaml and *.yml, and for flannel's files by name (skipping VCS,
 * dependency and build folders); files named explicitly are read whatever
 * their extension. Which files count is decided in source-role.ts.
 */
import { closeSync, constants, fstatSync, openSync, readdirSync, readSync, type Stats, statSync } from 'node:fs';
import { join } from 'node:path';
import { LIMITS, overFileLimit } from '../common/limits';
import { SourceFile } from '../common/source';
import { isWorkspaceSource } from './source-role';

export { MANIFEST_EXTENSIONS } from './source-role';

const SKIP_DIRS = new Set(['node_modules', '.git', '.hg', '.svn', 'dist', 'out', '.vscode-test']);

export interface Discovered {
  readonly files: string[];
  /** Paths that do not exist or cannot be read. */
  readonly problems: string[];
}

export interface DiscoverOptions {
  /** Paths not to read (the project file's `ignore`): folders are not entered, files not listed. */
  readonly ignore?: (path: string) => boolean;
}

export function discoverManifests(paths: readonly string[], options: DiscoverOptions = {}): Discovered {
  const ignored = options.ignore ?? (() => false);
  const files = new Set<string>();
  const problems: string[] = [];
  const walk = (dir: string) => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      problems.push(`${dir}: ${(e as Error).message}`);
      return;
    }
    for (const e of entries) {
      const p = join(dir, e.name);
      if (ignored(p)) continue;
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name) && !e.name.startsWith('.')) walk(p);
      } else if (e.isFile() && isWorkspaceSource(e.name)) {
        files.add(p);
      }
    }
  };
  for (const p of paths) {
    let st: Stats;
    try {
      st = statSync(p);
    } catch {
      problems.push(`${p}: no such file or directory`);
      continue;
    }
    if (st.isDirectory()) walk(p);
    else if (st.isFile()) files.add(p);
    else problems.push(`${p}: not a regular file (${fileType(st)}); only regular files are read`);
  }
  return { files: [...files].sort(), problems };
}

/**
 * Reads a manifest. Only regular files are read (a FIFO would block forever, a
 * link to /dev/zero would never end): the file is opened without blocking and
 * checked on the open descriptor, so it cannot be swapped in between. A file
 * over the size limit is not read at all; its SourceFile carries its size and
 * the yaml stage reports it. Throws when the path is not a readable regular file.
 */
export function readSourceFile(path: string): SourceFile {
  const fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new Error(`not a regular file (${fileType(st)})`);
    if (overFileLimit(st.size)) return new SourceFile(path, '', undefined, st.size);
    // Read at most one byte past the limit, whatever the size said: the file may grow meanwhile.
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(Math.min(1 << 20, LIMITS.fileBytes + 1 - total));
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n <= 0) break;
      chunks.push(buf.subarray(0, n));
      total += n;
      if (overFileLimit(total)) return new SourceFile(path, '', undefined, total);
    }
    let text = Buffer.concat(chunks, total).toString('utf8');
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    return new SourceFile(path, text);
  } finally {
    closeSync(fd);
  }
}

function fileType(st: Stats): string {
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  if (st.isDirectory()) return 'a folder';
  return 'not a file';
}
