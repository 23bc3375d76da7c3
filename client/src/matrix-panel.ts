/**
 * The reachability matrix panel: a webview beside the editor running
 * media/matrix-view.js under a strict CSP (matrix-html.ts). Its data comes
 * from the language server (Requests.matrix, Requests.explainCell); it asks
 * again after every analysis the server announces (Notifications.
 * analysisChanged), so it follows the user's typing. The diff mode compares
 * with the saved files (the server has them) or with a git revision, read
 * through VS Code's git extension (`vscode.git`, API version 1).
 */
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  type AnalysisChangedParams,
  type CellParams,
  type CellResult,
  type DiffBase,
  type MatrixCommandArgs,
  type MatrixMode,
  type MatrixParams,
  type MatrixResult,
  Notifications,
  Requests,
  type RevealTarget,
} from '../../server/src/protocol/netpol-protocol';
import { makeNonce, matrixPageHtml } from './matrix-html';

/** The webview's comparison choice: '' none, 'saved', 'HEAD', or 'revision' (then `ref`). */
type Compare = '' | 'saved' | 'HEAD' | 'revision';

/** The parts of the git extension's API (extensions/git/src/api/git.d.ts) the diff mode uses. */
interface GitChange {
  readonly uri: vscode.Uri;
  readonly originalUri: vscode.Uri;
  readonly renameUri?: vscode.Uri;
  readonly status: number;
}
interface GitRepository {
  readonly rootUri: vscode.Uri;
  readonly state: { readonly workingTreeChanges: GitChange[]; readonly untrackedChanges?: GitChange[] };
  show(ref: string, path: string): Promise<string>;
  diffWith(ref: string): Promise<GitChange[]>;
}
interface GitApi {
  readonly repositories: GitRepository[];
  getRepository(uri: vscode.Uri): GitRepository | null;
}
/** Status values of the git extension's `Status` enum the diff mode tells apart. */
const GIT_ADDED = new Set([1, 7, 9]); // INDEX_ADDED, UNTRACKED, INTENT_TO_ADD
const GIT_DELETED = new Set([2, 6]); // INDEX_DELETED, DELETED
const GIT_RENAMED = new Set([3, 10]); // INDEX_RENAMED, INTENT_TO_RENAME

/** Files the server analyses (yaml/source-role.ts): the only ones a revision needs to supply. */
const WORKSPACE_SOURCE = /\.(ya?ml)$|net-conf\.json$|flannel-leases\.(txt|json)$/;

export class MatrixPanel {
  private panel: vscode.WebviewPanel | undefined;
  private mode: MatrixMode = 'workloads';
  private compare: Compare = '';
  private ref = 'HEAD';
  private ready = false;
  private focus: MatrixCommandArgs | undefined;
  private inFlight = false;
  private again = false;
  private subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly client: () => LanguageClient | undefined,
    private readonly log: (message: string) => void,
  ) {}

  /** Listens to a (re)started client's analyses. */
  attach(client: LanguageClient): vscode.Disposable {
    return client.onNotification(Notifications.analysisChanged, (_p: AnalysisChangedParams) => {
      if (this.panel && this.ready) void this.update();
    });
  }

  /** Opens the panel beside the editor (or reveals it), focused on `args` when given. */
  show(args?: MatrixCommandArgs): void {
    if (args && (args.focus?.length || args.to)) this.focus = args;
    if (this.panel) {
      this.panel.reveal(undefined, true);
      if (this.ready) this.sendFocus();
      return;
    }
    const media = vscode.Uri.joinPath(this.extensionUri, 'media');
    const panel = vscode.window.createWebviewPanel(
      'netpolStudio.matrix',
      'Reachability Matrix',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      { enableScripts: true, localResourceRoots: [media], retainContextWhenHidden: true },
    );
    this.panel = panel;
    this.ready = false;
    const webview = panel.webview;
    webview.html = matrixPageHtml({
      cspSource: webview.cspSource,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'matrix-view.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'matrix-view.css')).toString(),
      nonce: makeNonce((n) => randomBytes(n)),
    });
    this.subscriptions = [
      webview.onDidReceiveMessage((m: unknown) => void this.onMessage(m)),
      panel.onDidDispose(() => {
        this.panel = undefined;
        this.ready = false;
        for (const s of this.subscriptions) s.dispose();
        this.subscriptions = [];
      }),
    ];
  }

  dispose(): void {
    this.panel?.dispose();
  }

  private post(message: unknown): void {
    void this.panel?.webview.postMessage(message);
  }

  private sendFocus(): void {
    const f = this.focus;
    if (!f) return;
    this.post({ type: 'focus', ids: f.focus ?? (f.to ? [f.to] : []), label: f.focusLabel ?? f.to ?? '' });
    this.focus = undefined;
  }

  private async onMessage(raw: unknown): Promise<void> {
    if (!raw || typeof raw !== 'object') return;
    const m = raw as Record<string, unknown>;
    switch (m.type) {
      case 'ready':
      case 'options': {
        this.mode = m.mode === 'pods' ? 'pods' : 'workloads';
        const compare = (['', 'saved', 'HEAD', 'revision'] as const).find((c) => c === m.compare) ?? '';
        if (compare === 'revision' && (m.type === 'options' || this.compare !== 'revision')) {
          const ref = await vscode.window.showInputBox({
            title: 'NetPol: Compare the matrix with a git revision',
            prompt: 'A branch, tag or commit',
            value: this.ref,
          });
          if (!ref?.trim()) {
            this.compare = '';
            this.post({ type: 'compare', compare: '' });
          } else {
            this.ref = ref.trim();
            this.compare = 'revision';
          }
        } else this.compare = compare;
        const first = m.type === 'ready';
        this.ready = true;
        await this.update();
        if (first) this.sendFocus();
        return;
      }
      case 'explain':
        return this.explain(String(m.from ?? ''), String(m.to ?? ''), typeof m.port === 'string' ? m.port : undefined);
      case 'reveal':
        return this.reveal(m.target);
      case 'export':
        return this.exportView(m.format === 'svg' ? 'svg' : 'csv', String(m.content ?? ''));
    }
  }

  /** Asks the server for the matrix and posts it; one request at a time, the latest state last. */
  async update(): Promise<void> {
    if (this.inFlight) {
      this.again = true;
      return;
    }
    const client = this.client();
    if (!client || !this.panel) return;
    this.inFlight = true;
    try {
      do {
        this.again = false;
        const base = await this.base();
        const params: MatrixParams = { mode: this.mode, ...(base.base ? { base: base.base } : {}) };
        const result = (await client.sendRequest(Requests.matrix, params)) as MatrixResult;
        this.post({ type: 'model', model: result.model });
        this.post({ type: 'error', message: base.error ?? result.diffError ?? '' });
      } while (this.again && this.panel);
    } catch (e) {
      this.log(`matrix: ${(e as Error).message}`);
      this.post({ type: 'error', message: `The matrix could not be updated: ${(e as Error).message}` });
    } finally {
      this.inFlight = false;
    }
  }

  private async explain(from: string, to: string, port?: string): Promise<void> {
    const client = this.client();
    if (!client) return;
    const base = await this.base();
    const params: CellParams = {
      mode: this.mode,
      from,
      to,
      ...(port ? { port } : {}),
      ...(base.base ? { base: base.base } : {}),
    };
    const result = (await client.sendRequest(Requests.explainCell, params)) as CellResult;
    if (result.ok && result.explanation) this.post({ type: 'explanation', explanation: result.explanation });
    else this.post({ type: 'error', message: result.message ?? 'no explanation' });
  }

  /** Opens the deciding rule in the editor beside the panel; only workspace files and untitled documents. */
  private async reveal(raw: unknown): Promise<void> {
    if (!raw || typeof raw !== 'object') return;
    const t = raw as Partial<RevealTarget>;
    if (typeof t.uri !== 'string') return;
    let uri: vscode.Uri;
    try {
      uri = vscode.Uri.parse(t.uri, true);
    } catch {
      return;
    }
    const open = vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString());
    if (!open && !(uri.scheme === 'file' && vscode.workspace.getWorkspaceFolder(uri))) return;
    const n = (x: unknown) => (typeof x === 'number' && Number.isInteger(x) && x >= 0 ? x : 0);
    const range = new vscode.Range(n(t.line), n(t.character), n(t.endLine ?? t.line), n(t.endCharacter));
    const column = this.panel?.viewColumn === vscode.ViewColumn.One ? vscode.ViewColumn.Two : vscode.ViewColumn.One;
    const editor = await vscode.window.showTextDocument(uri, { viewColumn: column });
    // The rule selected, with the cursor at its first line.
    editor.selection = new vscode.Selection(range.end, range.start);
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  private async exportView(format: 'csv' | 'svg', content: string): Promise<void> {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const target = await vscode.window.showSaveDialog({
      title: `Export the matrix as ${format.toUpperCase()}`,
      defaultUri: folder ? vscode.Uri.joinPath(folder, `reachability.${format}`) : undefined,
      filters: format === 'csv' ? { CSV: ['csv'] } : { SVG: ['svg'] },
    });
    if (!target) return;
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(content));
    void vscode.window.showInformationMessage(
      `NetPol: the matrix was exported to ${vscode.workspace.asRelativePath(target)}`,
    );
  }

  /** The diff base for the webview's choice, or why there is none. */
  private async base(): Promise<{ base?: DiffBase; error?: string }> {
    if (this.compare === '') return {};
    if (this.compare === 'saved') return { base: { kind: 'saved' } };
    const ref = this.compare === 'HEAD' ? 'HEAD' : this.ref;
    try {
      return { base: await revisionBase(ref) };
    } catch (e) {
      return { error: `Cannot compare with ${ref}: ${(e as Error).message}` };
    }
  }
}

async function gitApi(): Promise<GitApi> {
  const ext = vscode.extensions.getExtension<{ getAPI(version: 1): GitApi }>('vscode.git');
  if (!ext) throw new Error("VS Code's git extension is not available");
  const exports = ext.isActive ? ext.exports : await ext.activate();
  return exports.getAPI(1);
}

/**
 * The workspace's manifests as git revision `ref` has them: for each file that differs from the
 * working tree (changed, added, deleted, renamed), its text at `ref` or null when `ref` lacks it.
 */
export async function revisionBase(ref: string): Promise<DiffBase> {
  const git = await gitApi();
  const folders = vscode.workspace.workspaceFolders ?? [];
  const repos = new Set<GitRepository>();
  for (const f of folders) {
    const r = git.getRepository(f.uri);
    if (r) repos.add(r);
  }
  if (repos.size === 0) throw new Error('the workspace is not in a git repository (or git has not opened it yet)');
  const files = new Map<string, string | null>();
  const atRef = async (repo: GitRepository, uri: vscode.Uri) => {
    try {
      return await repo.show(ref, uri.fsPath);
    } catch {
      return null;
    }
  };
  for (const repo of repos) {
    const changes = [...(await repo.diffWith(ref)), ...(repo.state.untrackedChanges ?? [])];
    for (const c of repo.state.workingTreeChanges) if (c.status === 7) changes.push(c);
    // Named as the server names the files it reads from disk.
    const key = (u: vscode.Uri) => (u.scheme === 'file' ? pathToFileURL(u.fsPath).toString() : u.toString());
    for (const c of changes) {
      const now = c.renameUri ?? c.uri;
      if (GIT_ADDED.has(c.status)) {
        if (WORKSPACE_SOURCE.test(now.path)) files.set(key(now), null);
      } else if (GIT_RENAMED.has(c.status)) {
        if (WORKSPACE_SOURCE.test(now.path)) files.set(key(now), null);
        if (WORKSPACE_SOURCE.test(c.originalUri.path)) files.set(key(c.originalUri), await atRef(repo, c.originalUri));
      } else if (WORKSPACE_SOURCE.test(c.uri.path)) {
        files.set(key(c.uri), await atRef(repo, GIT_DELETED.has(c.status) ? c.originalUri : c.uri));
      }
    }
  }
  return { kind: 'revision', ref, files: [...files].map(([uri, text]) => ({ uri, text })) };
}
