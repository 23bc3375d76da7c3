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
  /** The reachability matrix panel (args: MatrixCommandArgs, from the status bar and CodeLens). */
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
  /** AnalysisChangedParams, after every analysis: the matrix panel asks for its data again. */
  analysisChanged: 'netpol/analysisChanged',
} as const;

/** Custom requests from the client. */
export const Requests = {
  /** MatrixParams -> MatrixResult: the reachability matrix panel's data. */
  matrix: 'netpol/matrix',
  /** CellParams -> CellResult: one cell's decision traces, both directions. */
  explainCell: 'netpol/explainCell',
} as const;

export interface AnalysisChangedParams {
  /** Grows with every analysis. */
  readonly version: number;
}

/**
 * What the diff mode compares the current analysis with: the files as saved on disk, or the
 * files as a git revision has them. For a revision the client sends the files that differ from the
 * working tree (read through VS Code's git extension): their text at the revision, or null when the
 * revision does not have them; every other file is read as saved.
 */
export type DiffBase =
  | { readonly kind: 'saved' }
  | {
      readonly kind: 'revision';
      /** `HEAD`, a branch, a commit: for titles. */
      readonly ref: string;
      readonly files: readonly { readonly uri: string; readonly text: string | null }[];
    };

export type MatrixMode = 'workloads' | 'pods';

export interface MatrixParams {
  readonly mode: MatrixMode;
  readonly base?: DiffBase;
}

/** A row and column of the matrix (the webview's `model.endpoints`). */
export interface MatrixEndpoint {
  /** Sent back in CellParams. */
  readonly id: string;
  /** `namespace/name` as in the CLI; `the internet`, `node worker-1` outside the cluster. */
  readonly label: string;
  /** Empty for the outside world (its own group). */
  readonly namespace: string;
  readonly kind: 'workload' | 'pod' | 'outside';
  /** Lint problems (errors and warnings) in its manifest and the policies selecting it. */
  readonly problems: number;
}

/** Indices into `ports` allowed and denied, and what the compared change did to the cell. */
export type MatrixCell = [number[], number[]] | [number[], number[], 'opened' | 'closed'];

/** What media/matrix-view.js renders. */
export interface MatrixModel {
  readonly title: string;
  readonly mode: MatrixMode;
  /** `PROTOCOL/port`. */
  readonly ports: readonly string[];
  readonly endpoints: readonly MatrixEndpoint[];
  /** cells[source][destination]. */
  readonly cells: readonly (readonly MatrixCell[])[];
  /** With a base: what changed, in words (`2 newly allowed, 1 newly denied against HEAD`). */
  readonly diffSummary?: string;
}

export interface MatrixResult {
  readonly version: number;
  readonly model: MatrixModel;
  /** Why the diff could not be computed, when it could not. */
  readonly diffError?: string;
}

export interface CellParams {
  readonly mode: MatrixMode;
  readonly from: string;
  readonly to: string;
  /** `TCP/8080`; absent: every port the destination declares. */
  readonly port?: string;
  readonly base?: DiffBase;
}

/** A place in a workspace file: what a "reveal rule" link opens (0-based lines and characters). */
export interface RevealTarget {
  readonly uri: string;
  readonly line: number;
  readonly character: number;
  readonly endLine: number;
  readonly endCharacter: number;
}

/** One cell in words (the webview's explanation pane). */
export interface CellExplanation {
  readonly title: string;
  readonly summary: string;
  readonly notes: readonly string[];
  readonly directions: readonly {
    readonly title: string;
    readonly allowed: boolean;
    readonly steps: readonly { readonly text: string; readonly reveal?: RevealTarget }[];
  }[];
}

export interface CellResult {
  readonly ok: boolean;
  readonly explanation?: CellExplanation;
  readonly message?: string;
}

/** Arguments of the matrix command from the CodeLens: focus on these endpoints. */
export interface MatrixCommandArgs {
  /** Matrix endpoint ids (workloads: `Deployment shop/api`) to select and scroll to. */
  readonly focus?: readonly string[];
  /** What the focus is, for the panel's status line: `NetworkPolicy shop/db`. */
  readonly focusLabel?: string;
  /** Kept for older lenses: a pod id to focus on. */
  readonly to?: string;
}

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
