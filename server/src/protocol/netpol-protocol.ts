/**
 * Every custom message between the VS Code client (and, later, its webviews)
 * and the language server, declared once and imported by both sides: command
 * ids, custom requests and notifications with their parameter shapes. Plain
 * data only: no vscode or vscode-languageserver types, so the client bundle
 * pulls in nothing of the server.
 */

/** Commands the user runs (contributed in package.json; implemented by the client). */
export const ClientCommands = {
  explainConnection: 'netpolStudio.explainConnection',
  generateLeastPrivilege: 'netpolStudio.generateLeastPrivilegePolicy',
  addDefaultDeny: 'netpolStudio.addDefaultDeny',
  restartServer: 'netpolStudio.restartServer',
  showOutput: 'netpolStudio.showOutput',
  /** The reachability matrix view: a later issue fills it in; until then it opens Explain Connection. */
  showMatrix: 'netpolStudio.showMatrix',
} as const;

/**
 * Commands the server implements (workspace/executeCommand). The client's
 * palette commands gather their input, then call these, so the analysis and
 * the CLI's logic stay on the server.
 */
export const ServerCommands = {
  /** args: [ExplainParams] -> ExplainResult */
  explain: 'netpol.server.explain',
  /** args: [EndpointListParams?] -> EndpointChoice[] (for the quick picks) */
  endpoints: 'netpol.server.endpoints',
  /** args: [NamespaceParams] -> NewDocumentResult (a default-deny NetworkPolicy) */
  defaultDeny: 'netpol.server.defaultDeny',
  /** args: [WorkloadParams] -> NewDocumentResult (a least-privilege policy) */
  leastPrivilege: 'netpol.server.leastPrivilege',
} as const;

export const SERVER_COMMAND_IDS: readonly string[] = Object.values(ServerCommands);

/** Notifications from the server. */
export const Notifications = {
  /** SummaryParams, after every analysis: the status bar's text. */
  summary: 'netpol/summary',
} as const;

/** The URI scheme of the read-only explanation documents the client shows. */
export const EXPLAIN_SCHEME = 'netpol-explain';

export interface SummaryParams {
  readonly pods: number;
  readonly policies: number;
  readonly problems: number;
  readonly files: number;
}

/** One choice of the Explain Connection quick picks. */
export interface EndpointChoice {
  /** What the server accepts back: `ns/pod`, or an address. */
  readonly id: string;
  readonly label: string;
  readonly description: string;
  /** `pod`, `host` (hostNetwork pod) or `workload` (its first pod). */
  readonly kind: 'pod' | 'host' | 'workload';
}

export interface ExplainParams {
  readonly from: string;
  readonly to: string;
  /** A number or a port name the destination declares; absent: every port the destination declares. */
  readonly port?: string;
  readonly protocol?: 'TCP' | 'UDP' | 'SCTP';
}

export interface ExplainResult {
  readonly ok: boolean;
  /** Markdown: the verdict, each step with a link to its rule; or why the request could not be answered. */
  readonly markdown: string;
  readonly allowed?: boolean;
}

export interface NamespaceParams {
  /** A namespace name; absent: the namespace of the object at `uri`/`line`. */
  readonly namespace?: string;
  readonly uri?: string;
  readonly line?: number;
}

export interface WorkloadParams {
  /** `Kind ns/name`, or absent: the workload at `uri`/`line`. */
  readonly workload?: string;
  readonly uri?: string;
  readonly line?: number;
  /** `kubernetes` (default) or `calico`. */
  readonly flavor?: 'kubernetes' | 'calico';
}

export interface NewDocumentResult {
  readonly ok: boolean;
  /** YAML for a new untitled document, or why there is none. */
  readonly content: string;
  readonly message?: string;
}

/** Arguments of the CodeLens "Explain" and status bar commands (the client's explain command). */
export interface ExplainCommandArgs {
  readonly from?: string;
  readonly to?: string;
}
