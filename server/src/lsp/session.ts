/**
 * The server's state, in one object every feature handler receives: the
 * connection, the open documents, the workspace's files and its latest
 * complete analysis, the lint findings per file, the settings and what the
 * client supports. Features read from it; only the connection glue
 * (server.ts) and the diagnostics feature change it.
 *
 * Analyses run after a quiet period following a change, one at a time. A run
 * gives up as soon as a newer change exists (`isSuperseded`, also told by the
 * thread that receives the messages, see main.ts): its result would be stale,
 * so it is never published. Requests answer from the latest complete analysis
 * while their document is unchanged since, else they wait for the next one.
 * One exception keeps changes that never stop (a file rewritten every 100 ms
 * by a generator, a slow machine where typing outpaces the analysis) from
 * starving the editor: once changes have gone unpublished for
 * MAX_UNPUBLISHED_MS, the debounce no longer waits, and once several runs in
 * a row were given up, the next one finishes and publishes (with the versions
 * it read) before the run for the newest changes follows. An answer naming
 * places in other files also needs those files unchanged since the analysis
 * it comes from (crossFileAnswer).
 */
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { basename, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import picomatch from 'picomatch';
import type { Connection } from 'vscode-languageserver/node';
import { MessageType, ShowMessageRequest, TextDocuments } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Finding } from '../common/finding';
import type { SourceFile } from '../common/source';
import { TimeBudget } from '../common/time-budget';
import type { Analysis } from '../engine/analysis';
import { runLint } from '../lint';
import { LintMemo } from '../lint/lint-memo';
import {
  defaultProjectConfig,
  ignoredPaths,
  PROJECT_CONFIG_FILE,
  type ProjectConfig,
  readProjectConfig,
  withRuleSettings,
} from '../lint/project-config';
import { readSourceFile } from '../yaml/discover';
import { DEFAULT_EDITOR_SETTINGS, type EditorSettings } from './settings';
import { Workspace } from './workspace';

export interface ClientSupport {
  configurationPull: boolean;
  configurationRegistration: boolean;
  watchRegistration: boolean;
  folderEvents: boolean;
  workDoneProgress: boolean;
  codeLensRefresh: boolean;
  inlayHintRefresh: boolean;
}

/** One analysis and what lint found in it. */
export interface Snapshot {
  readonly analysis: Analysis;
  readonly findings: readonly Finding[];
  readonly findingsByUri: ReadonlyMap<string, readonly Finding[]>;
  /** The editor version of each open document this analysis read. */
  readonly versions: ReadonlyMap<string, number>;
  /** The analysed source file behind a document URI. */
  readonly files: ReadonlyMap<string, SourceFile>;
}

/** Workspaces with more files than this show progress during their first scan. */
export const PROGRESS_FILE_COUNT = 200;

/** The quiet period after an edit before analysing (ms). */
export const DEBOUNCE_MS = 150;

/** How long changes may go without any published analysis before a run is no longer given up for newer ones (ms). */
export const MAX_UNPUBLISHED_MS = 5000;

/** Runs given up in a row before a run may finish although newer changes exist (with MAX_UNPUBLISHED_MS). */
const MIN_RUNS_GIVEN_UP = 3;

/** An analysis slower than this is reported in the output channel, with the runs given up before it (ms). */
const SLOW_ANALYSIS_MS = 2000;

export function uriOfFile(file: SourceFile): string {
  return file.uri ?? pathToFileURL(file.path).toString();
}

/** Lets the connection handle the messages that arrived meanwhile (it takes one per turn of the event loop). */
function answerWaitingMessages(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 5));
}

/** Thrown inside a run that a newer change made stale. */
class Superseded extends Error {}

/** What the server has done, for tests and the benchmark (netpol/debugStats). */
export interface RunStats {
  /** Analyses completed and published. */
  analyses: number;
  /** Analyses given up because a newer change arrived. */
  superseded: number;
  /**
   * Where the last published analysis spent its time (ms, wall): reading and parsing the changed
   * files, the analysis (model to engine), the lint rules. For the latency benchmark.
   */
  lastRun?: { readonly parseMs: number; readonly analysisMs: number; readonly lintMs: number };
}

export class Session {
  readonly documents = new TextDocuments(TextDocument);
  readonly workspace = new Workspace();
  editor: EditorSettings = DEFAULT_EDITOR_SETTINGS;
  client: ClientSupport = {
    configurationPull: false,
    configurationRegistration: false,
    watchRegistration: false,
    folderEvents: false,
    workDoneProgress: false,
    codeLensRefresh: false,
    inlayHintRefresh: false,
  };
  initialized = false;
  /** True when a change that this thread has not seen yet is on its way (set by the worker glue). */
  isSuperseded: () => boolean = () => false;
  readonly runStats: RunStats = { analyses: 0, superseded: 0 };
  private folders: string[] = [];
  private filesExclude: string[] = [];
  private projectConfig: ProjectConfig | undefined;
  private latest: Snapshot | undefined;
  /** Changes seen so far; a run is stale once this moves on. */
  private changes = 0;
  /** `changes` when `latest` was started. */
  private latestAt = -1;
  private listeners: ((s: Snapshot) => void)[] = [];
  private waiters: { resolve: (s: Snapshot) => void; reject: (e: Error) => void }[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** When the oldest change not yet in a published analysis came (Date.now()), if any. */
  private unpublishedSince: number | undefined;
  /** Runs given up since the last published analysis, for the log. */
  private givenUp = 0;
  private needsScan = false;
  private scanned = false;

  constructor(readonly connection: Connection) {}

  log(message: string): void {
    this.connection.console.log(message);
  }

  /** True when the latest analysis has seen every change. */
  private current(): boolean {
    return this.latest !== undefined && this.latestAt === this.changes;
  }

  /**
   * The analysis to answer a request about `uri` from: the latest complete one
   * when it read the document's current version (its positions hold), else the
   * next. Without `uri`, the one that has seen every change.
   */
  snapshotFor(uri?: string): Promise<Snapshot> {
    const latest = this.latest;
    if (latest && (this.current() || (uri !== undefined && this.readCurrentVersion(latest, uri))))
      return Promise.resolve(latest);
    return new Promise((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      if (!this.timer && !this.running) this.changed(0);
    });
  }

  /**
   * An answer that names places in other files (locations, edits): computed from the analysis
   * `snapshotFor(uri)` gives, and once more from the next complete one when it names a file whose
   * text changed since that analysis (its positions there would be wrong, an edit would corrupt it).
   */
  async crossFileAnswer<T>(uri: string, answer: (s: Snapshot) => T, urisOf: (t: T) => Iterable<string>): Promise<T> {
    const s = await this.snapshotFor(uri);
    const t = answer(s);
    if (this.readsCurrentFiles(s, urisOf(t))) return t;
    return answer(await this.snapshotFor());
  }

  /** True when `s` analysed the text each of `uris` has now (and a file absent now was absent then). */
  readsCurrentFiles(s: Snapshot, uris: Iterable<string>): boolean {
    for (const uri of uris) if (s.files.get(uri) !== this.workspace.fileOf(uri)) return false;
    return true;
  }

  /** The latest complete analysis, stale or not (the first one is waited for). */
  latestSnapshot(): Promise<Snapshot> {
    return this.latest ? Promise.resolve(this.latest) : this.snapshotFor();
  }

  private readCurrentVersion(s: Snapshot, uri: string): boolean {
    return s.versions.get(uri) === this.documents.get(uri)?.version;
  }

  /** Called after every analysis that is published. */
  onAnalysed(listener: (s: Snapshot) => void): void {
    this.listeners.push(listener);
  }

  /** Something changed: the running analysis (if any) is stale; analyse again after a quiet period. */
  changed(delay = DEBOUNCE_MS): void {
    this.changes++;
    this.unpublishedSince ??= Date.now();
    // Past the longest wait, a pending run is not postponed again.
    if (this.timer && this.starving()) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.analyseNow(), delay);
  }

  /** True when changes have waited for a published analysis longer than MAX_UNPUBLISHED_MS. */
  private starving(): boolean {
    return this.unpublishedSince !== undefined && Date.now() - this.unpublishedSince > MAX_UNPUBLISHED_MS;
  }

  /**
   * A run that has seen newer changes still finishes when the editor has waited too long and
   * runs keep being given up: a single newer change (one keystroke) still ends a run at once.
   */
  private mustFinish(): boolean {
    return this.givenUp >= MIN_RUNS_GIVEN_UP && this.starving();
  }

  private running = false;

  private async analyseNow(): Promise<void> {
    this.timer = undefined;
    if (this.running) return;
    this.running = true;
    const at = this.changes;
    const started = Date.now();
    const budget = this.timeBudget();
    const check = () => {
      if ((this.changes !== at || this.isSuperseded()) && !this.mustFinish()) throw new Superseded();
    };
    let superseded = false;
    let progress: Awaited<ReturnType<Connection['window']['createWorkDoneProgress']>> | undefined;
    try {
      if (this.needsScan) this.scan();
      const files = this.workspace.uris().length;
      if (!this.scanned && files > PROGRESS_FILE_COUNT && this.client.workDoneProgress) {
        progress = await this.connection.window.createWorkDoneProgress().catch(() => undefined);
        progress?.begin('NetPol Studio', 0, `Analysing ${files} files…`);
        await new Promise((r) => setImmediate(r));
      }
      check();
      // Between stages the thread answers what waits (hovers on unchanged documents, completion)
      // from the latest analysis, and takes in new changes, which end this run.
      const t0 = performance.now();
      this.workspace.parsedFiles(check);
      const parseMs = performance.now() - t0;
      await answerWaitingMessages();
      check();
      // The versions this run reads (analysis() reads the texts synchronously, now); a run that
      // must finish may publish after newer ones arrived.
      const versions = this.workspace.openVersions();
      const t1 = performance.now();
      const analysis = this.workspace.analysis(check, budget);
      const analysisMs = performance.now() - t1;
      await answerWaitingMessages();
      check();
      const t2 = performance.now();
      const findings = runLint(analysis, {
        config: this.lintConfig(),
        budget,
        budgetSetting: 'netpolStudio.timeBudgetSeconds in the editor settings (or timeBudgetSeconds in .netpol.yaml)',
        betweenRules: check,
        withinRules: check,
        memo: this.lintMemo,
        memoInputs: [this.workspace.analysisOptions],
      }).findings;
      const lintMs = performance.now() - t2;
      check();
      this.runStats.lastRun = { parseMs, analysisMs, lintMs };
      const byUri = new Map<string, Finding[]>();
      for (const f of findings) {
        const uri = uriOfFile(f.span.file);
        const list = byUri.get(uri);
        if (list) list.push(f);
        else byUri.set(uri, [f]);
      }
      const s: Snapshot = {
        analysis,
        findings,
        findingsByUri: byUri,
        versions,
        files: new Map(analysis.cluster.files.map((f) => [uriOfFile(f), f])),
      };
      this.latest = s;
      this.latestAt = at;
      this.runStats.analyses++;
      const took = Date.now() - started;
      const waited = this.unpublishedSince === undefined ? 0 : started - this.unpublishedSince;
      if (!this.scanned || took > SLOW_ANALYSIS_MS || waited > MAX_UNPUBLISHED_MS) {
        const given = this.givenUp ? `, after ${this.givenUp} runs given up for newer changes` : '';
        this.log(
          `netpol: analysed ${files} files in ${(took / 1000).toFixed(1)} s: ${analysis.cluster.pods.length} pods, ${findings.length} findings${given}`,
        );
      }
      this.scanned = true;
      this.givenUp = 0;
      // Changes that came during this run are still unpublished; they count from now.
      this.unpublishedSince = this.changes === at ? undefined : Date.now();
      this.publish(s);
    } catch (e) {
      if (e instanceof Superseded) {
        this.runStats.superseded++;
        this.givenUp++;
        superseded = true;
      } else {
        this.connection.console.error(`netpol: analysis failed: ${(e as Error).stack ?? e}`);
        // Waiting requests get the latest analysis there is rather than nothing.
        const waiting = this.waiters;
        this.waiters = [];
        for (const w of waiting)
          if (this.latest) w.resolve(this.latest);
          else w.reject(new Error('the analysis failed; see the NetPol Studio output'));
      }
    } finally {
      progress?.done();
      this.running = false;
      // Changes that came during the run waited for it; a newer change on its way schedules its own run too.
      if ((superseded || this.changes !== at) && !this.timer) this.changed();
    }
  }

  private publish(s: Snapshot): void {
    const waiting = this.waiters;
    this.waiters = [];
    for (const w of waiting) w.resolve(s);
    for (const l of this.listeners) {
      try {
        l(s);
      } catch (e) {
        this.connection.console.error(`netpol: ${(e as Error).stack ?? e}`);
      }
    }
  }

  setFolders(folderUris: readonly string[]): void {
    this.folders = [...folderUris];
    this.rescan();
  }

  setFilesExclude(globs: readonly string[]): void {
    if (globs.join('\n') === this.filesExclude.join('\n')) return;
    this.filesExclude = [...globs];
    this.rescan();
  }

  setEditorSettings(editor: EditorSettings): void {
    const rescan = editor.maxFileSize !== this.editor.maxFileSize;
    const relint =
      !sameRuleSettings(editor.rules, this.editor.rules) || editor.timeBudgetMs !== this.editor.timeBudgetMs;
    this.editor = editor;
    if (rescan) this.rescan();
    else if (relint && this.initialized) this.changed(0);
  }

  /**
   * The budget of one analysis run, from now: netpolStudio.timeBudgetSeconds (10 s by default), or
   * the project file's timeBudgetSeconds when that is less. Time spent answering other messages
   * between stages counts too: the user waits for it all the same.
   */
  private timeBudget(): TimeBudget {
    const project = this.projectConfig?.timeBudgetSeconds?.value;
    const ms = project !== undefined ? Math.min(project * 1000, this.editor.timeBudgetMs) : this.editor.timeBudgetMs;
    return new TimeBudget(ms);
  }

  /** The project file's settings with `netpolStudio.rules` over them (as `--rule` is over the file in the CLI). */
  private lintConfig(): ProjectConfig | undefined {
    if (this.editor.rules.size === 0) return this.projectConfig;
    const root = this.folders.filter((u) => u.startsWith('file:')).map((u) => fileURLToPath(u))[0];
    // The same object while nothing it is made of changed: the lint memo reuses findings only under the same configuration.
    const made = this.madeConfig;
    if (made && made.project === this.projectConfig && made.rules === this.editor.rules && made.root === root)
      return made.config;
    const config = withRuleSettings(this.projectConfig ?? defaultProjectConfig(root ?? '.'), this.editor.rules);
    this.madeConfig = { project: this.projectConfig, rules: this.editor.rules, root, config };
    return config;
  }

  private madeConfig:
    | { project?: ProjectConfig; rules: EditorSettings['rules']; root?: string; config: ProjectConfig }
    | undefined;

  /** The policy-scoped lint findings of the last published run, per file (lint/lint-memo.ts). */
  readonly lintMemo = new LintMemo();

  /**
   * The project file and every workspace file are to be read again: by the
   * next analysis run, off the request that asked for it (`initialize` answers at once).
   */
  rescan(): void {
    this.needsScan = true;
    if (this.initialized) this.changed(0);
  }

  private scan(): void {
    this.needsScan = false;
    const paths = this.folders.filter((u) => u.startsWith('file:')).map((u) => fileURLToPath(u));
    const root = paths[0];
    this.projectConfig = undefined;
    if (root && existsSync(join(root, PROJECT_CONFIG_FILE))) {
      try {
        this.projectConfig = readProjectConfig(readSourceFile(join(root, PROJECT_CONFIG_FILE)));
      } catch (e) {
        this.log(`netpol: cannot read ${PROJECT_CONFIG_FILE}: ${(e as Error).message}`);
      }
    }
    const projectIgnore = ignoredPaths(this.projectConfig ?? defaultProjectConfig(root ?? '.'));
    const exclude = this.filesExclude.length ? picomatch(this.filesExclude, { dot: true }) : undefined;
    const excluded = (path: string) =>
      !!exclude &&
      paths.some((folder) => {
        const rel = relative(folder, path).split('\\').join('/');
        return !rel.startsWith('..') && rel !== '' && exclude(rel);
      });
    this.workspace.scan(this.folders, {
      include: this.projectConfig?.include,
      ignore: (p) => projectIgnore(p) || excluded(p),
      maxFileSize: this.editor.maxFileSize,
    });
    if (this.workspace.skipped.length) {
      const names = this.workspace.skipped.map((p) => basename(p));
      const note = `NetPol Studio skipped ${names.length} file${names.length > 1 ? 's' : ''} larger than ${Math.round(this.editor.maxFileSize / 1024)} KB (${names.slice(0, 3).join(', ')}${names.length > 3 ? ', …' : ''}); raise netpolStudio.maxFileSizeKb to read ${names.length > 1 ? 'them' : 'it'}.`;
      this.log(`netpol: ${note}`);
      if (this.initialized) this.notify(note);
      else this.pendingNotes.push(note);
    }
  }

  /** An information message; a client that cannot show one does not make the server fail. */
  notify(message: string): void {
    this.connection
      .sendRequest(ShowMessageRequest.type, { type: MessageType.Info, message })
      .then(undefined, () => undefined);
  }

  /** Notes to show once the client is ready (initialized). */
  pendingNotes: string[] = [];

  isProjectFile(uri: string): boolean {
    return uri.endsWith(`/${PROJECT_CONFIG_FILE}`);
  }
}

function sameRuleSettings(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  return a.size === b.size && [...a].every(([id, value]) => b.get(id) === value);
}
