/**
 * The VS Code side: starts the NetPol Studio language server for YAML files
 * and adds what only the editor can do: the status bar summary, the output
 * channel, quick picks and documents for the palette commands. The analysis
 * and the commands' answers come from the server (protocol/netpol-protocol.ts
 * declares the messages both sides use).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  LanguageClient,
  type LanguageClientOptions,
  type ServerOptions,
  TransportKind,
} from 'vscode-languageclient/node';
import {
  ClientCommands,
  type EndpointChoice,
  EXPLAIN_SCHEME,
  type ExplainCommandArgs,
  type ExplainResult,
  type MatrixCommandArgs,
  type NewDocumentResult,
  Notifications,
  ServerCommands,
  type SummaryParams,
} from '../../server/src/protocol/netpol-protocol';
import { MatrixPanel } from './matrix-panel';
import { ServerRestarts } from './server-restarts';

let client: LanguageClient | undefined;
const explanations = new Map<string, string>();

function serverOptions(context: vscode.ExtensionContext): ServerOptions {
  const module = context.asAbsolutePath(path.join('dist', 'server.js'));
  return {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6011'] } },
  };
}

async function run<T>(command: string, arg: unknown): Promise<T | undefined> {
  if (!client) return undefined;
  return (await client.sendRequest('workspace/executeCommand', { command, arguments: [arg] })) as T;
}

async function pickEndpoint(
  title: string,
  choices: readonly EndpointChoice[],
  preset?: string,
): Promise<string | undefined> {
  if (preset) return preset;
  const items: (vscode.QuickPickItem & { id: string })[] = choices.map((c) => ({
    id: c.id,
    label: c.kind === 'workload' ? `$(package) ${c.label}` : c.kind === 'host' ? `$(server) ${c.label}` : c.label,
    description: c.description,
  }));
  const pick = vscode.window.createQuickPick<vscode.QuickPickItem & { id: string }>();
  pick.title = title;
  pick.placeholder = 'A workload or pod, or type an IP address';
  pick.items = items;
  return new Promise((resolve) => {
    pick.onDidAccept(() => {
      const chosen = pick.selectedItems[0]?.id ?? pick.value.trim();
      pick.hide();
      resolve(chosen || undefined);
    });
    pick.onDidHide(() => resolve(undefined));
    pick.show();
  });
}

async function explainConnection(args: ExplainCommandArgs = {}): Promise<void> {
  const choices = (await run<EndpointChoice[]>(ServerCommands.endpoints, {})) ?? [];
  const from = await pickEndpoint('Explain Connection: source', choices, args.from);
  if (!from) return;
  const to = await pickEndpoint(`Explain Connection: ${from} → destination`, choices, args.to);
  if (!to) return;
  const port = await vscode.window.showInputBox({
    title: `Explain Connection: ${from} → ${to}`,
    prompt: 'Port number or name (empty: every port the destination declares); add /UDP or /SCTP for other protocols',
    placeHolder: 'e.g. 8080, http, 53/UDP',
  });
  if (port === undefined) return;
  const [p, proto] = port.trim().split('/');
  const result = await run<ExplainResult>(ServerCommands.explain, {
    from,
    to,
    port: p || undefined,
    protocol: proto ? (proto.toUpperCase() as 'TCP' | 'UDP' | 'SCTP') : undefined,
  });
  if (!result) return;
  if (!result.ok) {
    void vscode.window.showWarningMessage(`NetPol: ${result.markdown}`);
    return;
  }
  const uri = vscode.Uri.from({ scheme: EXPLAIN_SCHEME, path: `/${from} to ${to}.md` });
  explanations.set(uri.toString(), result.markdown);
  explainChanged.fire(uri);
  // The preview renders the links to each deciding rule; the document itself is read-only.
  await vscode.commands.executeCommand('markdown.showPreview', uri);
}

const explainChanged = new vscode.EventEmitter<vscode.Uri>();

async function newDocument(result: NewDocumentResult | undefined): Promise<void> {
  if (!result) return;
  if (!result.ok) {
    void vscode.window.showWarningMessage(`NetPol: ${result.message ?? 'nothing to generate here'}`);
    return;
  }
  const doc = await vscode.workspace.openTextDocument({ language: 'yaml', content: result.content });
  await vscode.window.showTextDocument(doc);
  if (result.message) void vscode.window.showInformationMessage(`NetPol: ${result.message}`);
}

function here(): { uri?: string; line?: number } {
  const e = vscode.window.activeTextEditor;
  return e ? { uri: e.document.uri.toString(), line: e.selection.active.line } : {};
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('NetPol Studio', { log: true });
  const status = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 10);
  status.name = 'NetPol Studio';
  status.text = '$(shield) NetPol';
  status.tooltip = 'NetPol Studio: show the reachability matrix';
  status.command = ClientCommands.showMatrix;
  status.show();
  const restarts = new ServerRestarts({
    onRestart: (n) => output.appendLine(`The language server stopped; starting it again (${n}).`),
    onGiveUp: (message) => {
      output.appendLine(message);
      void vscode.window.showErrorMessage(message, 'Show Output', 'Restart').then((choice) => {
        if (choice === 'Show Output') output.show();
        if (choice === 'Restart') void vscode.commands.executeCommand(ClientCommands.restartServer);
      });
    },
  });
  const clientOptions: LanguageClientOptions = {
    errorHandler: restarts,
    documentSelector: [
      { scheme: 'file', language: 'yaml' },
      { scheme: 'untitled', language: 'yaml' },
      // flannel's own files beside the manifests (see server/src/yaml/source-role.ts)
      { scheme: 'file', pattern: '**/*net-conf.json' },
      { scheme: 'file', pattern: '**/*flannel-leases.{txt,json}' },
    ],
    outputChannel: output,
    synchronize: { configurationSection: ['netpolStudio', 'files.exclude'] },
  };
  const matrix = new MatrixPanel(
    context.extensionUri,
    () => client,
    (m) => output.appendLine(m),
  );
  const start = async () => {
    client = new LanguageClient('netpolStudio', 'NetPol Studio', serverOptions(context), clientOptions);
    client.onNotification(Notifications.summary, (s: SummaryParams) => {
      status.text = `$(shield) NetPol: ${s.pods} pods · ${s.policies} policies · ${s.problems} problem${s.problems === 1 ? '' : 's'}`;
      status.tooltip = `NetPol Studio: ${s.files} files analysed. Click to show the reachability matrix.`;
    });
    context.subscriptions.push(matrix.attach(client));
    await client.start();
  };
  context.subscriptions.push(
    output,
    status,
    vscode.workspace.registerTextDocumentContentProvider(EXPLAIN_SCHEME, {
      onDidChange: explainChanged.event,
      provideTextDocumentContent: (uri) => explanations.get(uri.toString()) ?? '',
    }),
    vscode.commands.registerCommand(ClientCommands.explainConnection, (args?: ExplainCommandArgs) =>
      explainConnection(args),
    ),
    vscode.commands.registerCommand(ClientCommands.showMatrix, (args?: MatrixCommandArgs) => matrix.show(args)),
    matrix,
    vscode.commands.registerCommand(ClientCommands.addDefaultDeny, async () =>
      newDocument(await run<NewDocumentResult>(ServerCommands.defaultDeny, here())),
    ),
    vscode.commands.registerCommand(ClientCommands.generateLeastPrivilege, async () =>
      newDocument(await run<NewDocumentResult>(ServerCommands.leastPrivilege, here())),
    ),
    vscode.commands.registerCommand(ClientCommands.restartServer, async () => {
      output.appendLine('Restarting the NetPol Studio language server…');
      restarts.reset();
      // After the restarts ran out the client is already stopped: nothing to stop.
      await client?.stop().catch(() => undefined);
      await start();
    }),
    vscode.commands.registerCommand(ClientCommands.showOutput, () => output.show()),
    { dispose: () => void client?.stop() },
  );
  await start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
