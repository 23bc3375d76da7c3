/**
 * The server's view of the workspace: manifest files on disk, overridden by
 * open editors, each parsed once per version. `analysis()` rebuilds the
 * snapshot from the cached parses: only changed files are parsed again.
 */
import { statSync } from 'node:fs';
import { LIMITS } from '../common/limits';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { SourceFile } from '../common/source';
import { type Analysis, type AnalysisOptions, analyzeParsed } from '../engine/analysis';
import { discoverManifests, readSourceFile } from '../yaml/discover';
import { type ParsedFile, parseFile } from '../yaml/parse-yaml';
import { isWorkspaceSource } from '../yaml/source-role';

interface Entry {
  /** Editor version, or -1 for the disk copy. */
  readonly version: number;
  readonly parsed: ParsedFile;
}

/** Manifests, and flannel's net-conf.json and lease exports (see yaml/source-role.ts). */
export function isManifestUri(uri: string): boolean {
  return isWorkspaceSource(uri);
}

/** The files the server asks the client to watch. */
export const WATCHED_FILES = '**/{*.yaml,*.yml,*net-conf.json,*flannel-leases.txt,*flannel-leases.json}';

function stampOf(path: string): string {
  try {
    const st = statSync(path);
    return `${st.mtimeMs}:${st.size}`;
  } catch {
    return 'gone';
  }
}

export class Workspace {
  private readonly disk = new Map<string, Entry>();
  private readonly open = new Map<string, Entry>();
  private folders: string[] = [];
  private cached: Analysis | undefined;

  constructor(private options: AnalysisOptions = {}) {}

  setOptions(options: AnalysisOptions): void {
    this.options = options;
    this.cached = undefined;
  }

  /** Files left out of the last scan because they are larger than the size limit. */
  skipped: string[] = [];
  private ignore: (path: string) => boolean = () => false;
  private maxFileSize = Number.POSITIVE_INFINITY;

  /**
   * Reads every manifest under the workspace folders (file:// URIs), leaving
   * out `ignore`d paths (files.exclude, the project file's ignore) and files
   * over `maxFileSize` bytes (generated dumps would stall every keystroke).
   */
  scan(
    folderUris: readonly string[],
    options: { ignore?: (path: string) => boolean; maxFileSize?: number; include?: readonly string[] } = {},
  ): void {
    this.folders = folderUris.filter((u) => u.startsWith('file:')).map((u) => fileURLToPath(u));
    this.included = [...(options.include ?? [])];
    this.ignore = options.ignore ?? (() => false);
    this.maxFileSize = options.maxFileSize ?? Number.POSITIVE_INFINITY;
    this.disk.clear();
    this.skipped = [];
    // The project file's `include` paths are read like the folders' own files.
    const roots = [...this.folders, ...this.included];
    for (const path of discoverManifests(roots, { ignore: this.ignore }).files) this.readDisk(path);
    this.cached = undefined;
  }

  /** Paths outside the folders that the project file includes (absolute). */
  private included: string[] = [];

  folderPaths(): readonly string[] {
    return this.folders;
  }

  private readDisk(path: string): void {
    if (this.ignore(path)) return;
    try {
      // Files over the reader's own limit are left to it (a limit-exceeded finding); this is the user's lower limit.
      const size = statSync(path).size;
      if (size > this.maxFileSize && size <= LIMITS.fileBytes) {
        this.skipped.push(path);
        this.disk.delete(pathToFileURL(path).toString());
        return;
      }
      const file = readSourceFile(path);
      const uri = pathToFileURL(path).toString();
      this.disk.set(uri, { version: -1, parsed: parseFile(new SourceFile(path, file.text, uri)) });
      this.stamps.set(uri, stampOf(path));
    } catch {
      this.disk.delete(pathToFileURL(path).toString());
    }
  }

  /** A file changed, appeared or disappeared on disk. */
  diskChanged(uri: string, deleted: boolean): void {
    if (deleted) this.disk.delete(uri);
    else if (uri.startsWith('file:')) this.readDisk(fileURLToPath(uri));
    this.cached = undefined;
  }

  setOpen(uri: string, version: number, text: string): void {
    const prev = this.open.get(uri);
    if (prev && prev.version === version) return;
    const path = uri.startsWith('file:') ? fileURLToPath(uri) : uri;
    this.open.set(uri, { version, parsed: parseFile(new SourceFile(path, text, uri)) });
    this.cached = undefined;
  }

  close(uri: string): void {
    this.open.delete(uri);
    // The disk copy (if the file is in the workspace) takes over again.
    if (uri.startsWith('file:') && this.inFolders(fileURLToPath(uri))) this.readDisk(fileURLToPath(uri));
    this.cached = undefined;
  }

  private inFolders(path: string): boolean {
    return [...this.folders, ...this.included].some(
      (f) => path === f || path.startsWith(f.endsWith('/') ? f : `${f}/`),
    );
  }

  uris(): string[] {
    return [...new Set([...this.disk.keys(), ...this.open.keys()])].sort();
  }

  /** The analysis with one more file (a generated policy), to check what it would change. */
  analysisWith(extra: SourceFile): Analysis {
    const parsed = this.uris().map((u) => (this.open.get(u) ?? this.disk.get(u))!.parsed);
    return analyzeParsed([...parsed, parseFile(extra)], this.options);
  }

  /**
   * The analysis of the files as saved on disk (open editors' unsaved text left out), with some
   * files replaced (`text`) or left out (`null`): the matrix's diff base. Cached for the same inputs.
   */
  savedAnalysis(replaced: ReadonlyMap<string, ParsedFile | null> = new Map()): Analysis {
    // An open file's disk copy is not re-read on every save (the editor's text wins): read it now if it changed.
    for (const uri of this.open.keys()) {
      if (!uri.startsWith('file:') || !this.disk.has(uri)) continue;
      const path = fileURLToPath(uri);
      if (stampOf(path) !== this.stamps.get(uri)) this.readDisk(path);
    }
    const parsed: ParsedFile[] = [];
    for (const [uri, e] of this.disk) if (!replaced.has(uri)) parsed.push(e.parsed);
    for (const p of replaced.values()) if (p) parsed.push(p);
    const same =
      this.savedCache &&
      this.savedCache.options === this.options &&
      this.savedCache.parsed.length === parsed.length &&
      this.savedCache.parsed.every((p, i) => p === parsed[i]);
    if (!same) this.savedCache = { parsed, options: this.options, analysis: analyzeParsed(parsed, this.options) };
    return this.savedCache!.analysis;
  }

  /** Modification time and size of each disk copy when it was read. */
  private readonly stamps = new Map<string, string>();

  private savedCache: { parsed: ParsedFile[]; options: AnalysisOptions; analysis: Analysis } | undefined;

  analysis(): Analysis {
    if (!this.cached) {
      const parsed = this.uris().map((u) => (this.open.get(u) ?? this.disk.get(u))!.parsed);
      this.cached = analyzeParsed(parsed, this.options);
    }
    return this.cached;
  }
}
