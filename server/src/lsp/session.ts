/**
 * The server's state, in one object every feature handler receives: the
 * connection, the open documents, the workspace's files and its current
 * analysis, the lint findings per file, the settings and what the client
 * supports. Features read from it; only the connection glue (server.ts)
 * and the diagnostics feature change it.
 */
import { existsSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pathToFileURL } from 'node:url';
import picomatch from 'picomatch';
import type { Connection } from 'vscode-languageserver/node';
import { MessageType, ShowMessageRequest, TextDocuments } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Finding } from '../common/finding';
import type { SourceFile } from '../common/source';
import type { Analysis } from '../engine/analysis';
import { runLint } from '../lint';
import {
  defaultProjectConfig,
  ignoredPaths,
  PROJECT_CONFIG_FILE,
  type ProjectConfig,
  readProjectConfig,
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
}

/** Workspaces with more files than this show progress during their first scan. */
export const PROGRESS_FILE_COUNT = 200;

export function uriOfFile(file: SourceFile): string {
  return file.uri ?? pathToFileURL(file.path).toString();
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
  private folders: string[] = [];
  private filesExclude: string[] = [];
  private projectConfig: ProjectConfig | undefined;
  private current: Snapshot | undefined;
  private listeners: ((s: Snapshot) => void)[] = [];
  private timer: NodeJS.Timeout | undefined;
  private scanned = false;

  constructor(readonly connection: Connection) {}

  log(message: string): void {
    this.connection.console.log(message);
  }

  /** The current analysis and its findings (analysed now if a change is pending). */
  snapshot(): Snapshot {
    if (!this.current) {
      const analysis = this.workspace.analysis();
      const findings = runLint(analysis, { config: this.projectConfig }).findings;
      const byUri = new Map<string, Finding[]>();
      for (const f of findings) {
        const uri = uriOfFile(f.span.file);
        const list = byUri.get(uri);
        if (list) list.push(f);
        else byUri.set(uri, [f]);
      }
      this.current = { analysis, findings, findingsByUri: byUri };
    }
    return this.current;
  }

  analysis(): Analysis {
    return this.snapshot().analysis;
  }

  /** The analysed source file behind a document URI. */
  fileOf(uri: string): SourceFile | undefined {
    return this.analysis().cluster.files.find((f) => uriOfFile(f) === uri);
  }

  /** Called after every (re-)analysis that follows a change. */
  onAnalysed(listener: (s: Snapshot) => void): void {
    this.listeners.push(listener);
  }

  /** Something changed: drop the snapshot now (requests see the change) and tell listeners after a quiet period. */
  changed(delay = 150): void {
    this.current = undefined;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.analyseNow(), delay);
  }

  private async analyseNow(): Promise<void> {
    this.timer = undefined;
    const files = this.workspace.uris().length;
    const progress =
      !this.scanned && files > PROGRESS_FILE_COUNT && this.client.workDoneProgress
        ? await this.connection.window.createWorkDoneProgress().catch(() => undefined)
        : undefined;
    progress?.begin('NetPol Studio', 0, `Analysing ${files} files…`);
    if (progress) await new Promise((r) => setImmediate(r));
    let s: Snapshot;
    try {
      s = this.snapshot();
    } catch (e) {
      this.connection.console.error(`netpol: analysis failed: ${(e as Error).stack ?? e}`);
      progress?.done();
      return;
    }
    progress?.done();
    if (!this.scanned) {
      this.scanned = true;
      this.log(
        `netpol: analysed ${files} files: ${s.analysis.cluster.pods.length} pods, ${s.findings.length} findings`,
      );
    }
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
    this.editor = editor;
    if (rescan) this.rescan();
  }

  /** Reads the project file and every workspace file again. */
  rescan(): void {
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
    this.changed(0);
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
