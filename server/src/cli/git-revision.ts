/**
 * `netpol diff --base REV`: the manifests under some paths as a git revision has them, read into
 * memory with `git` (ls-tree and cat-file, run without a shell, read-only); nothing is checked
 * out or written. The only place the CLI starts a process (test/security reviews it).
 */
import { execFileSync } from 'node:child_process';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { LIMITS, overFileLimit } from '../common/limits';
import { SourceFile } from '../common/source';
import { isWorkspaceSource } from '../yaml/source-role';
import { UsageError } from './args';

/** Folders a folder search does not enter (as yaml/discover.ts). */
const SKIP_DIRS = new Set(['node_modules', 'dist', 'out']);

function git(cwd: string, args: readonly string[], what: string): Buffer {
  try {
    return execFileSync('git', args, {
      cwd,
      maxBuffer: LIMITS.fileBytes * 4,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, GIT_OPTIONAL_LOCKS: '0', GIT_TERMINAL_PROMPT: '0' },
    });
  } catch (e) {
    const err = e as { code?: string; stderr?: Buffer };
    if (err.code === 'ENOENT') throw new UsageError('--base needs git, and git is not installed (or not on PATH)');
    const detail = err.stderr?.toString().trim().split('\n')[0];
    throw new UsageError(`${what}${detail ? `: ${detail}` : ''}`);
  }
}

/**
 * The workspace sources under `paths` (relative to `cwd`) at revision `rev`, named as the
 * working-tree files are (so before and after read alike). Throws a UsageError when `cwd` is not
 * in a git repository or `rev` is not a commit.
 */
export function sourcesAtRevision(paths: readonly string[], rev: string, cwd: string): SourceFile[] {
  if (!rev || rev.startsWith('-') || /[\s\0]/.test(rev)) throw new UsageError(`--base: "${rev}" is not a git revision`);
  const top = git(cwd, ['rev-parse', '--show-toplevel'], `--base: ${cwd} is not inside a git repository`)
    .toString()
    .trim();
  const commit = git(
    cwd,
    ['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`],
    `--base: "${rev}" is not a commit of the repository`,
  )
    .toString()
    .trim();
  const files = new Map<string, SourceFile>();
  for (const p of paths) {
    const rel = relative(top, resolve(cwd, p));
    if (rel.startsWith('..') || isAbsolute(rel)) throw new UsageError(`--base: ${p} is outside the git repository`);
    const spec = rel === '' ? '.' : rel.split(sep).join('/');
    const listed = git(top, ['ls-tree', '-r', '-z', '--name-only', commit, '--', spec], `--base: cannot list ${p}`)
      .toString()
      .split('\0')
      .filter(Boolean);
    for (const name of listed) {
      const named = name === spec;
      const dirs = name.split('/').slice(0, -1);
      if (!named && (!isWorkspaceSource(name) || dirs.some((d) => d.startsWith('.') || SKIP_DIRS.has(d)))) continue;
      const display = relative(cwd, join(top, ...name.split('/'))) || name;
      if (files.has(display)) continue;
      const size = Number(git(top, ['cat-file', '-s', `${commit}:${name}`], `--base: cannot read ${name}`).toString());
      if (overFileLimit(size)) {
        files.set(display, new SourceFile(display, '', undefined, size));
        continue;
      }
      let text = git(top, ['cat-file', 'blob', `${commit}:${name}`], `--base: cannot read ${name}`).toString('utf8');
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      files.set(display, new SourceFile(display, text));
    }
  }
  return [...files.values()].sort((a, b) => (a.path < b.path ? -1 : 1));
}
