/**
 * The server's view of the workspace: manifest files on disk, overridden by
 * open editors. Texts are kept as they arrive and parsed only when an analysis
 * needs them, once per content: a burst of keystrokes costs no parse, and an
 * analysis re-parses only the files whose text changed. Entries go when their
 * file is closed (the disk copy takes over) or deleted.
 */
import type { TimeBudget } from '../common/time-budget';
import { statSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { LIMITS } from '../common/limits';
import { SourceFile } from '../common/source';
import { type Analysis, type AnalysisOptions, analyzeParsed } from '../engine/analysis';
import { AnalysisCache } from '../engine/analysis-cache';
import { discoverManifests, readSourceFile } from '../yaml/discover';
import { type ParsedFile, parseFile } from '../yaml/parse-yaml';
import { isWorkspaceSource } from '../yaml/source-role';

interface Entry {
  /** Editor version, or -1 for the disk copy. */
  readonly version: number;
  readonly file: SourceFile;
  /** Parsed on first use (see `parsedOf`). */
  parsed?: ParsedFile;
}

/** Manifests, and flannel's net-conf.json and lease exports (see yaml/source-role.ts). */
export function isManifestUri(uri: string): boolean {
  return isWorkspaceSource(uri);
}

/** The files the server asks the client to watch. */
export const WATCHED_FILES = '**/{*.yaml,*.yml,*net-conf.json,*flannel-leases.txt,*flannel-leases.json}';

/** Counters a test or benchmark reads to see the work done (netpol/debugStats). */
export interface WorkspaceStats {
  /** Files parsed since the server started. */
  parses: number;
  /** Entries held: disk copies and open documents. */
  diskFiles: number;
  openFiles: number;
  /** Files read into objects since the server started (a file is read again only when its text changed). */
  filesRead: number;
  /** Analyses that computed addresses and endpoints again (an edit of policies alone keeps them). */
  endpointRuns: number;
}

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
  private parses = 0;

  constructor(private options: AnalysisOptions = {}) {}

  /** The options analyses run with (the same object until they change). */
  get analysisOptions(): AnalysisOptions {
    return this.options;
  }

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
   * Parses wait for the analysis; a file whose text did not change keeps its parse.
   */
  scan(
    folderUris: readonly string[],
    options: { ignore?: (path: string) => boolean; maxFileSize?: number; include?: readonly string[] } = {},
  ): void {
    this.folders = folderUris.filter((u) => u.startsWith('file:')).map((u) => fileURLToPath(u));
    this.included = [...(options.include ?? [])];
    this.ignore = options.ignore ?? (() => false);
    this.maxFileSize = options.maxFileSize ?? Number.POSITIVE_INFINITY;
    const before = new Map(this.disk);
    this.disk.clear();
    this.stamps.clear();
    this.skipped = [];
    // The project file's `include` paths are read like the folders' own files.
    const roots = [...this.folders, ...this.included];
    for (const path of discoverManifests(roots, { ignore: this.ignore }).files) this.readDisk(path, before);
    this.cached = undefined;
  }

  /** Paths outside the folders that the project file includes (absolute). */
  private included: string[] = [];

  folderPaths(): readonly string[] {
    return this.folders;
  }

  private readDisk(path: string, previous: ReadonlyMap<string, Entry> = this.disk): void {
    const uri = pathToFileURL(path).toString();
    if (this.ignore(path)) return;
    try {
      // Files over the reader's own limit are left to it (a limit-exceeded finding); this is the user's lower limit.
      const size = statSync(path).size;
      if (size > this.maxFileSize && size <= LIMITS.fileBytes) {
        this.skipped.push(path);
        this.disk.delete(uri);
        this.stamps.delete(uri);
        return;
      }
      const read = readSourceFile(path);
      this.stamps.set(uri, stampOf(path));
      const old = previous.get(uri) ?? this.open.get(uri);
      if (old && old.file.text === read.text && old.file.unreadBytes === read.unreadBytes) {
        this.disk.set(uri, old.version === -1 ? old : { version: -1, file: old.file, parsed: old.parsed });
        return;
      }
      this.disk.set(uri, { version: -1, file: new SourceFile(path, read.text, uri, read.unreadBytes) });
    } catch {
      this.disk.delete(uri);
      this.stamps.delete(uri);
    }
  }

  /**
   * A file changed, appeared or disappeared on disk. A deleted folder takes the
   * files under it along (file watchers report the folder only).
   */
  /** A file (or folder) on disk changed; false when it is none the analysis reads, so nothing needs doing. */
  diskChanged(uri: string, deleted: boolean): boolean {
    let changed = false;
    if (deleted) {
      changed = this.disk.delete(uri);
      this.stamps.delete(uri);
      const prefix = uri.endsWith('/') ? uri : `${uri}/`;
      for (const u of [...this.disk.keys()])
        if (u.startsWith(prefix)) {
          this.disk.delete(u);
          this.stamps.delete(u);
          changed = true;
        }
    } else if (uri.startsWith('file:')) {
      this.readDisk(fileURLToPath(uri));
      changed = true;
    }
    if (changed) this.cached = undefined;
    return changed;
  }

  setOpen(uri: string, version: number, text: string): void {
    const prev = this.open.get(uri);
    if (prev && prev.version === version && prev.file.text === text) return;
    const path = uri.startsWith('file:') ? fileURLToPath(uri) : uri;
    // An undo back to the text last parsed (or the disk's) keeps that parse.
    const same = [prev, this.disk.get(uri)].find((e) => e?.file.text === text && e.file.path === path);
    this.open.set(uri, { version, file: same?.file ?? new SourceFile(path, text, uri), parsed: same?.parsed });
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

  /** The text a URI has now (its open editor's, else the disk's), or undefined when it is not in the workspace. */
  fileOf(uri: string): SourceFile | undefined {
    return (this.open.get(uri) ?? this.disk.get(uri))?.file;
  }

  uris(): string[] {
    return [...new Set([...this.disk.keys(), ...this.open.keys()])].sort();
  }

  /** The editor version of each open document the analysis reads. */
  openVersions(): Map<string, number> {
    return new Map([...this.open].map(([uri, e]) => [uri, e.version]));
  }

  stats(): WorkspaceStats {
    const { filesRead, endpointRuns } = this.analyses.stats;
    return { parses: this.parses, diskFiles: this.disk.size, openFiles: this.open.size, filesRead, endpointRuns };
  }

  private parsedOf(entry: Entry): ParsedFile {
    if (!entry.parsed) {
      entry.parsed = parseFile(entry.file);
      this.parses++;
    }
    return entry.parsed;
  }

  /**
   * Each file's parse, in URI order, parsing the ones whose text changed.
   * `check` runs between files: it throws to give up (a newer edit arrived).
   */
  parsedFiles(check: () => void = () => undefined): ParsedFile[] {
    return this.uris().map((u) => {
      check();
      return this.parsedOf((this.open.get(u) ?? this.disk.get(u))!);
    });
  }

  /** The analysis with one more file (a generated policy), to check what it would change. */
  analysisWith(extra: SourceFile): Analysis {
    return analyzeParsed([...this.parsedFiles(), parseFile(extra)], this.options);
  }

  /**
   * The analysis of the files as saved on disk (open editors' unsaved text left out), with some
   * files replaced (`text`) or left out (`null`): the matrix's diff base. Cached for the same inputs.
   */
  savedAnalysis(replaced: ReadonlyMap<string, ParsedFile | null> = new Map()): Analysis {
    // A client without file watching never says a file was saved: read an open file's disk copy now if it changed.
    for (const uri of this.open.keys()) {
      if (!uri.startsWith('file:') || !this.disk.has(uri)) continue;
      const path = fileURLToPath(uri);
      if (stampOf(path) !== this.stamps.get(uri)) this.readDisk(path);
    }
    const parsed: ParsedFile[] = [];
    for (const [uri, e] of this.disk) if (!replaced.has(uri)) parsed.push(this.parsedOf(e));
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

  /** Keeps what an edit does not touch from one analysis to the next (engine/analysis-cache.ts). */
  private readonly analyses = new AnalysisCache();

  /** The analysis of the current files; one the time budget cut short is not kept (the next run tries again). */
  analysis(check?: () => void, budget?: TimeBudget): Analysis {
    if (this.cached) return this.cached;
    const analysis = this.analyses.analyze(this.parsedFiles(check), { ...this.options, budget }, check);
    if (analysis.stoppedIn === undefined) this.cached = analysis;
    return analysis;
  }
}
