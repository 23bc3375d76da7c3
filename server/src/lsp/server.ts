/**
 * The language server's connection glue: initialize, settings, document sync
 * and file watching feed the session (session.ts); the features are one file
 * each, wired in handlers.ts. It runs in the worker thread (server-worker.ts)
 * that dist/server.js starts (main.ts).
 */
import {
  type Connection,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  MessageType,
  ShowMessageRequest,
  TextDocumentSyncKind,
  WatchKind,
} from 'vscode-languageserver/node';
import { featureCapabilities, registerFeatures } from './handlers';
import { Session } from './session';
import { fetchFilesExclude, fetchSettings, readSettings, SETTINGS_SECTION, type SettingsResult } from './settings';
import { isManifestUri, WATCHED_FILES } from './workspace';

/**
 * Serves the editor on `connection`. `isSuperseded` tells a running analysis
 * that a newer change is on its way (see session.ts).
 */
export function serve(connection: Connection, isSuperseded: () => boolean = () => false): void {
  const session = new Session(connection);
  session.isSuperseded = isSuperseded;
  const { documents, workspace } = session;
  /** Settings problems already shown, so a change elsewhere does not repeat them. */
  let shownProblems = '';
  /** Problems found before the client is ready for requests (during initialize). */
  let pendingProblems: readonly string[] = [];

  function warn(message: string): void {
    connection
      .sendRequest(ShowMessageRequest.type, { type: MessageType.Warning, message })
      .then(undefined, () => undefined);
  }

  /** Uses the settings' options, and tells the user once about values that cannot be used. */
  function applySettings(result: SettingsResult): void {
    workspace.setOptions(result.options);
    session.setEditorSettings(result.editor);
    const key = result.problems.join('\n');
    if (key === shownProblems) return;
    shownProblems = key;
    if (!session.initialized) pendingProblems = result.problems;
    else for (const p of result.problems) warn(p);
  }

  connection.onInitialize((params) => {
    const folders = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
    const caps = params.capabilities;
    session.client = {
      watchRegistration: !!caps.workspace?.didChangeWatchedFiles?.dynamicRegistration,
      folderEvents: !!caps.workspace?.workspaceFolders,
      configurationPull: !!caps.workspace?.configuration,
      configurationRegistration: !!caps.workspace?.didChangeConfiguration?.dynamicRegistration,
      workDoneProgress: !!caps.window?.workDoneProgress,
      codeLensRefresh: !!caps.workspace?.codeLens?.refreshSupport,
      inlayHintRefresh: !!caps.workspace?.inlayHint?.refreshSupport,
    };
    const init = params.initializationOptions as
      | { [SETTINGS_SECTION]?: Parameters<typeof readSettings>[0] }
      | undefined;
    if (init?.[SETTINGS_SECTION]) applySettings(readSettings(init[SETTINGS_SECTION]));
    session.setFolders(folders);
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
        ...featureCapabilities(),
      },
      serverInfo: { name: 'netpol-studio' },
    };
  });

  /** Settings changed (or are first known): re-analyse with the new options. */
  async function refreshSettings(): Promise<void> {
    if (!session.client.configurationPull) return;
    try {
      applySettings(await fetchSettings(connection));
      session.setFilesExclude(await fetchFilesExclude(connection));
    } catch (e) {
      connection.console.error(`netpol: reading settings failed: ${(e as Error).message}`);
    }
    session.changed(0);
  }

  connection.onDidChangeConfiguration((params) => {
    if (session.client.configurationPull) void refreshSettings();
    else {
      applySettings(
        readSettings(
          (params.settings as Record<string, Parameters<typeof readSettings>[0]> | undefined)?.[SETTINGS_SECTION],
        ),
      );
      session.changed(0);
    }
  });

  connection.onInitialized(() => {
    session.initialized = true;
    for (const p of pendingProblems) warn(p);
    pendingProblems = [];
    for (const n of session.pendingNotes) session.notify(n);
    session.pendingNotes = [];
    if (session.client.configurationRegistration)
      void connection.client.register(DidChangeConfigurationNotification.type, {
        section: [SETTINGS_SECTION, 'files.exclude'],
      });
    // With pulled settings the first analysis waits for them (refreshSettings schedules it).
    if (session.client.configurationPull) void refreshSettings();
    else session.changed(0);
    if (session.client.watchRegistration) {
      void connection.client.register(DidChangeWatchedFilesNotification.type, {
        // Every deletion too: a deleted folder is reported as one event for the folder.
        watchers: [{ globPattern: WATCHED_FILES }, { globPattern: '**/*', kind: WatchKind.Delete }],
      });
    }
    if (session.client.folderEvents) {
      connection.workspace.onDidChangeWorkspaceFolders(() => {
        void connection.workspace.getWorkspaceFolders().then((folders) => {
          session.setFolders((folders ?? []).map((f) => f.uri));
        });
      });
    }
  });

  documents.onDidOpen((e) => {
    if (!isManifestUri(e.document.uri) && e.document.languageId !== 'yaml') return;
    workspace.setOpen(e.document.uri, e.document.version, e.document.getText());
    session.changed(0);
  });
  documents.onDidChangeContent((e) => {
    if (!isManifestUri(e.document.uri) && e.document.languageId !== 'yaml') return;
    workspace.setOpen(e.document.uri, e.document.version, e.document.getText());
    session.changed();
  });
  documents.onDidClose((e) => {
    workspace.close(e.document.uri);
    session.changed();
  });

  // Disk copies follow the disk also while a file is open (the editor's text is analysed instead until it
  // closes, then the disk's, or nothing if the file is gone). A deleted folder is reported alone.
  connection.onDidChangeWatchedFiles((params) => {
    // Most events are about files the analysis does not read (every deletion is watched, so that a
    // deleted folder is seen: `.git/index.lock` comes and goes with every git command); they cost nothing.
    let changed = false;
    for (const c of params.changes) {
      if (session.isProjectFile(c.uri)) {
        session.rescan();
        continue;
      }
      if (c.type === FileChangeType.Deleted) changed = workspace.diskChanged(c.uri, true) || changed;
      else if (isManifestUri(c.uri)) changed = workspace.diskChanged(c.uri, false) || changed;
    }
    if (changed) session.changed();
  });

  registerFeatures(session);
  documents.listen(connection);
  connection.listen();
}
