/**
 * Entry point of dist/server.js: the language server over stdio (or IPC when
 * started by the VS Code client). Connection glue only: the analysis lives in
 * the pipeline stages, the workspace state in workspace.ts.
 */
import {
  type CodeAction,
  CodeActionKind,
  createConnection,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { lint } from '../lint';
import type { Finding } from '../common/finding';
import { rangeOf } from '../common/source';
import { toCodeAction, toDiagnostic, uriOf } from './convert';
import { fetchSettings, readSettings, SETTINGS_SECTION, type SettingsResult } from './settings';
import { isManifestUri, Workspace, WATCHED_FILES } from './workspace';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const workspace = new Workspace();
let findingsByUri = new Map<string, Finding[]>();
let published = new Set<string>();
let timer: NodeJS.Timeout | undefined;
let watchRegistration = false;
let folderEvents = false;
let configurationPull = false;
let configurationRegistration = false;
let initialized = false;
/** Settings problems already shown, so a change elsewhere does not repeat them. */
let shownProblems = '';
/** Problems found before the client is ready for requests (during initialize). */
let pendingProblems: readonly string[] = [];

/** Uses the settings' options, and tells the user once about values that cannot be used. */
function applySettings(result: SettingsResult): void {
  workspace.setOptions(result.options);
  const key = result.problems.join('\n');
  if (key === shownProblems) return;
  shownProblems = key;
  if (!initialized) pendingProblems = result.problems;
  else for (const p of result.problems) void connection.window.showWarningMessage(p);
}

connection.onInitialize((params) => {
  const folders = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
  workspace.scan(folders);
  watchRegistration = !!params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration;
  folderEvents = !!params.capabilities.workspace?.workspaceFolders;
  configurationPull = !!params.capabilities.workspace?.configuration;
  configurationRegistration = !!params.capabilities.workspace?.didChangeConfiguration?.dynamicRegistration;
  const init = params.initializationOptions as { [SETTINGS_SECTION]?: Parameters<typeof readSettings>[0] } | undefined;
  if (init?.[SETTINGS_SECTION]) applySettings(readSettings(init[SETTINGS_SECTION]));
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
      workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
    },
    serverInfo: { name: 'netpol-studio' },
  };
});

/** Settings changed (or are first known): re-analyse with the new options. */
async function refreshSettings(): Promise<void> {
  if (!configurationPull) return;
  try {
    applySettings(await fetchSettings(connection));
  } catch (e) {
    connection.console.error(`netpol: reading settings failed: ${(e as Error).message}`);
  }
  schedule(0);
}

connection.onDidChangeConfiguration((params) => {
  if (configurationPull) void refreshSettings();
  else {
    applySettings(
      readSettings(
        (params.settings as Record<string, Parameters<typeof readSettings>[0]> | undefined)?.[SETTINGS_SECTION],
      ),
    );
    schedule(0);
  }
});

connection.onInitialized(() => {
  initialized = true;
  for (const p of pendingProblems) void connection.window.showWarningMessage(p);
  pendingProblems = [];
  if (configurationRegistration)
    void connection.client.register(DidChangeConfigurationNotification.type, { section: SETTINGS_SECTION });
  // With pulled settings the first analysis waits for them (refreshSettings schedules it).
  if (configurationPull) void refreshSettings();
  else schedule(0);
  if (watchRegistration) {
    void connection.client.register(DidChangeWatchedFilesNotification.type, {
      watchers: [{ globPattern: WATCHED_FILES }],
    });
  }
  if (folderEvents) {
    connection.workspace.onDidChangeWorkspaceFolders(() => {
      void connection.workspace.getWorkspaceFolders().then((folders) => {
        workspace.scan((folders ?? []).map((f) => f.uri));
        schedule(0);
      });
    });
  }
});

/** Re-analyses after a short quiet period, so typing does not queue up work. */
function schedule(delay = 150): void {
  if (timer) clearTimeout(timer);
  timer = setTimeout(publish, delay);
}

function publish(): void {
  timer = undefined;
  let findings: Finding[];
  try {
    findings = lint(workspace.analysis());
  } catch (e) {
    connection.console.error(`netpol: analysis failed: ${(e as Error).stack ?? e}`);
    return;
  }
  const next = new Map<string, Finding[]>();
  for (const f of findings) {
    const uri = uriOf(f.span.file);
    const list = next.get(uri);
    if (list) list.push(f);
    else next.set(uri, [f]);
  }
  findingsByUri = next;
  const now = new Set(next.keys());
  for (const uri of published) if (!now.has(uri)) void connection.sendDiagnostics({ uri, diagnostics: [] });
  for (const [uri, list] of next) void connection.sendDiagnostics({ uri, diagnostics: list.map(toDiagnostic) });
  published = now;
}

documents.onDidOpen((e) => {
  if (!isManifestUri(e.document.uri) && e.document.languageId !== 'yaml') return;
  workspace.setOpen(e.document.uri, e.document.version, e.document.getText());
  schedule(0);
});
documents.onDidChangeContent((e) => {
  if (!isManifestUri(e.document.uri) && e.document.languageId !== 'yaml') return;
  workspace.setOpen(e.document.uri, e.document.version, e.document.getText());
  schedule();
});
documents.onDidClose((e) => {
  workspace.close(e.document.uri);
  schedule();
});

connection.onDidChangeWatchedFiles((params) => {
  for (const c of params.changes) {
    if (!isManifestUri(c.uri) || documents.get(c.uri)) continue;
    workspace.diskChanged(c.uri, c.type === FileChangeType.Deleted);
  }
  schedule();
});

connection.onCodeAction((params) => {
  const actions: CodeAction[] = [];
  for (const f of findingsByUri.get(params.textDocument.uri) ?? []) {
    if (!f.fixes?.length) continue;
    const r = rangeOf(f.span);
    const overlaps = !(r.end.line < params.range.start.line || r.start.line > params.range.end.line);
    if (!overlaps) continue;
    const diagnostic = toDiagnostic(f);
    for (const fix of f.fixes) actions.push(toCodeAction(fix, diagnostic));
  }
  return actions;
});

documents.listen(connection);
connection.listen();
