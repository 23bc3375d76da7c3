/**
 * Finding manifest files under the paths a user names. Folders are searched
 * for *.yaml and *.yml, and for flannel's files by name (skipping VCS,
 * dependency and build folders); files named explicitly are read whatever
 * their extension. Which files count is decided in source-role.ts.
 */
import { readdirSync, readFileSync, type Stats, statSync } from 'node:fs';
import { join } from 'node:path';
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
    else files.add(p);
  }
  return { files: [...files].sort(), problems };
}

export function readSourceFile(path: string): SourceFile {
  let text = readFileSync(path, 'utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return new SourceFile(path, text);
}
