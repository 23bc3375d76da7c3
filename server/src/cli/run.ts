/**
 * The `netpol` command: the same analysis as the editor, for terminals and CI.
 * `run` takes the arguments and an IO sink and returns the exit code:
 * 0 clean, 1 findings at or above --fail-on, 2 usage or input errors.
 */
import { type Finding, severityRank } from '../common/finding';
import type { SourceFile } from '../common/source';
import { closest } from '../common/text';
import { TimeBudget } from '../common/time-budget';
import { type Analysis, analyzeSources } from '../engine/analysis';
import { verdictText } from '../engine/explain';
import { isAbsolute, join } from 'node:path';
import packageJson from '../../../package.json';
import { runLint } from '../lint';
import { ignoredPaths, type ProjectConfig } from '../lint/project-config';
import { loadProjectConfig } from './project-file';
import { type Protocol, PROTOCOLS } from '../model/kubernetes';
import type { Endpoint } from '../policy/endpoint';
import { resolveEndpoint, resolvePort } from '../ide/resolve-endpoint';
import { selectPods } from '../ide/select-pods';
import { parsePodNetwork } from '../network/flannel-config';
import { podPath } from '../network/pod-path';
import { escapeControls } from './control-chars';
import { discoverManifests, readSourceFile } from '../yaml/discover';
import { type CommandSpec, oneOf, type ParsedArgs, parseArgs, portNumber, UsageError } from './args';
import { addressesJson, addressesText } from './addresses-output';
import { pathJson, pathText } from './path-output';
import { defaultGroup, type MatrixGroup, matrixPieces } from './matrix-output';
import { writePieces } from './output-stream';
import { lintJson, lintSarif, lintText, spanReplacer } from './lint-output';
import { selectJson, selectText } from './select-output';
import { intentTestReport, testJson, testJunit, testText } from './test-output';
import { depsJson, depsText } from './deps-output';
import { inferDependencies } from '../engine/dependencies';
import { caretLines, errorText, parseSelector } from '../policy/selector/calico-selector';
import { diffReachability } from '../engine/reachability-diff';
import { type DiffSides, diffJson, diffSarif, diffText } from './diff-output';
import { sourcesAtRevision } from './git-revision';

declare const NETPOL_VERSION: string;
/** The bundle's version (set at build time), or package.json's when running from source. */
const VERSION = typeof NETPOL_VERSION !== 'undefined' ? NETPOL_VERSION : packageJson.version;

export interface IO {
  readonly cwd: string;
  /** Writes to stdout; a returned promise means "wait before writing more" (backpressure). */
  out(text: string): void | Promise<void>;
  err(text: string): void;
  /** The terminal's width, when stdout is a terminal. */
  readonly columns?: number;
}

/** The width a text table may have when stdout is not a terminal (a file, a pipe, CI logs). */
const DEFAULT_COLUMNS = 200;

const COMMON = ['format', 'pod-network', 'config'];
/** Analysis flags: --staged evaluates staged policies as if enforced. */
const ANALYSIS_FLAGS = ['staged'];
const SPECS: Record<string, CommandSpec> = {
  lint: {
    options: [...COMMON, 'fail-on', 'time-budget'],
    repeatable: ['rule'],
    flags: [...ANALYSIS_FLAGS, 'show-suppressed'],
  },
  matrix: { options: [...COMMON, 'port', 'protocol', 'namespace', 'group'], flags: ANALYSIS_FLAGS },
  explain: { options: [...COMMON, 'from', 'to', 'port', 'protocol'], flags: ANALYSIS_FLAGS },
  addresses: { options: COMMON },
  path: { options: [...COMMON, 'from', 'to'] },
  select: { options: [...COMMON, 'selector', 'namespace'] },
  test: { options: COMMON, flags: ANALYSIS_FLAGS },
  diff: { options: ['format', 'pod-network', 'base', 'before', 'after'], flags: [...ANALYSIS_FLAGS, 'fail-on-open'] },
  deps: { options: COMMON, flags: ANALYSIS_FLAGS },
};

const USAGE = `netpol: simulate and lint Kubernetes and Calico network policies on a Canal (flannel + Calico) cluster

Usage:
  netpol lint PATH...      [--format text|json|sarif] [--fail-on error|warning|info|none] [--time-budget SECONDS]
  netpol matrix PATH...    [--port N] [--protocol TCP|UDP|SCTP] [--namespace NS] [--group pods|workloads] [--format text|json]
  netpol explain PATH...   --from NS/POD|IP --to NS/POD|IP --port N|NAME [--protocol TCP|UDP|SCTP] [--format text|json]
  netpol addresses PATH... [--format text|json]
  netpol path PATH...      --from NS/POD|IP --to NS/POD|IP [--format text|json]
  netpol select PATH...    --selector EXPR [--namespace NS] [--format text|json]
  netpol test PATH...      [--format text|json|junit]
  netpol diff PATH...      --base REV [--format text|json|sarif] [--fail-on-open]
  netpol diff              --before DIR --after DIR [--format text|json|sarif] [--fail-on-open]
  netpol deps PATH...      [--format text|json]

PATH is a manifest file or a folder (searched for *.yaml and *.yml, and for flannel's net-conf.json and
flannel-leases.txt/.json); the default is the current folder.
addresses shows flannel's configuration, each node's subnet, addresses and pod capacity, and each pod's IPs;
path shows how a packet travels between two pods: the bridge, the backend, outer addresses and MTU.
Common options:
  --pod-network CIDR   the flannel Network when the manifests do not configure it (default 10.244.0.0/16;
                       "IPv4CIDR,IPv6CIDR" for dual-stack)
  --format FORMAT      output format (default text)
  --staged             (lint, matrix, explain, test, deps) evaluate staged Calico policies as if they were enforced
  -h, --help           this help; --version prints the version

lint --time-budget SECONDS (or timeBudgetSeconds in .netpol.yaml) bounds the run from its start: when it runs out,
the stage at work stops (pod expansion, endpoint classes, a lint rule), the rules not started are skipped, and a
limit-exceeded warning names what is missing.
Without --port, matrix shows every port the destination pods declare. --group workloads shows a row and a
column per workload (✓ every pod pair, ◐ some, · none) and lists each workload's pods; it is the default above
2,000 pods, except for --port N --format json, which stays per pod unless asked. matrix writes rows as they are
computed, so any size streams; a text table wider than the terminal says so.
select prints the pods a Calico selector matches (over pod labels and Calico's implicit labels);
with --namespace, only pods of that namespace, as a NetworkPolicy's selector sees them.
test runs the NetworkIntents (netpol.studio/v1alpha1) like unit tests: one line per intent and a summary
"N passed, N failed"; it exits 1 when an intent fails and 2 when PATH holds none.
diff compares reachability before and after a change (PATH at git revision REV against the working tree, or two
folders): one line per workload pair and port newly allowed or newly denied, with the deciding rule before and
after; --fail-on-open exits 1 when something is newly allowed.
deps lists the Services each workload names (env values, ConfigMaps, command lines; Ingress backends for
the ingress controller) and whether the policies let the connection through.
Exit codes: 0 clean, 1 findings at or above --fail-on (default error), 2 usage or input errors.
`;

export async function run(argv: readonly string[], terminal: IO): Promise<number> {
  const startedAt = performance.now();
  // Everything written passes through escapeControls: workspace names must not drive the terminal.
  const io: IO = {
    cwd: terminal.cwd,
    columns: terminal.columns,
    out: (text) => terminal.out(escapeControls(text)),
    err: (text) => terminal.err(escapeControls(text)),
  };
  try {
    const args = parseArgs(argv, SPECS);
    if (args.flags.has('version')) {
      io.out(`${VERSION}\n`);
      return 0;
    }
    if (args.flags.has('help') || !args.command) {
      if (!args.command && !args.flags.has('help')) {
        io.err(argv.length ? `netpol: unknown command "${argv[0]}"\n\n${USAGE}` : USAGE);
        return 2;
      }
      io.out(USAGE);
      return 0;
    }
    if (args.command === 'select') checkSelectorOption(args.options.get('selector'));
    const podNetwork = args.options.get('pod-network');
    if (podNetwork !== undefined) {
      const parsed = parsePodNetwork(podNetwork);
      if ('error' in parsed)
        throw new UsageError(
          `--pod-network must be an IPv4 CIDR such as 10.244.0.0/16, an IPv6 CIDR, or one of each separated by a comma for dual-stack: ${parsed.error}`,
        );
    }
    if (args.command === 'diff') return await diffCommand(args, io, podNetwork);
    const paths = args.paths.length ? args.paths : ['.'];
    const config = loadProjectConfig(args.options.get('config'), paths, io.cwd, args.lists.get('rule') ?? []);
    const { files, problems } = discoverManifests([...paths, ...config.include], { ignore: ignoredPaths(config) });
    if (problems.length) throw new UsageError(problems.join('; '));
    if (files.length === 0)
      throw new UsageError(
        `no manifest files (*.yaml, *.yml) found in ${paths.join(', ')}, nor flannel's net-conf.json or flannel-leases.txt/.json`,
      );
    const sources: SourceFile[] = [];
    for (const f of files) {
      try {
        sources.push(readSourceFile(f));
      } catch (e) {
        throw new UsageError(`cannot read ${f}: ${(e as Error).message}`);
      }
    }
    // Only lint is bounded in time: it says what it left out; the other commands answer in full.
    const budget = args.command === 'lint' ? lintBudget(args.options, config, startedAt) : undefined;
    const analysis = analyzeSources(sources, { podNetwork, evaluateStaged: args.flags.has('staged'), budget });
    switch (args.command) {
      case 'lint':
        return await lintCommand(analysis, config, args, io, budget);
      case 'matrix':
        return await matrixCommand(analysis, args.options, io);
      case 'explain':
        return explainCommand(analysis, args.options, io);
      case 'addresses':
        return addressesCommand(analysis, args.options, io);
      case 'path':
        return pathCommand(analysis, args.options, io);
      case 'select':
        return selectCommand(analysis, args.options, io);
      case 'test':
        return testCommand(analysis, args.options, io);
      case 'deps':
        return depsCommand(analysis, config, args.options, io);
    }
    return 2;
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`netpol: ${e.message}\nRun "netpol --help" for usage.\n`);
      return 2;
    }
    throw e;
  }
}

async function lintCommand(
  a: Analysis,
  config: ProjectConfig,
  args: ParsedArgs,
  io: IO,
  budget: TimeBudget | undefined,
): Promise<number> {
  const { options } = args;
  const format = oneOf('format', options.get('format'), ['text', 'json', 'sarif'] as const, 'text');
  const failOn = oneOf('fail-on', options.get('fail-on'), ['error', 'warning', 'info', 'none'] as const, 'error');
  const report = runLint(a, { config, budget });
  const files = a.cluster.files.length;
  const showSuppressed = args.flags.has('show-suppressed');
  await writePieces(
    io.out,
    format === 'json'
      ? lintJson(report, files, io.cwd)
      : format === 'sarif'
        ? lintSarif(report, io.cwd, VERSION)
        : lintText(report, files, io.cwd, showSuppressed),
  );
  return failOn !== 'none' && report.findings.some((f: Finding) => severityRank[f.severity] >= severityRank[failOn])
    ? 1
    : 0;
}

/** The budget of a lint run: --time-budget, else the project file's timeBudgetSeconds, else none; from `startedAt`. */
function lintBudget(options: Map<string, string>, config: ProjectConfig, startedAt: number): TimeBudget | undefined {
  const flag = options.get('time-budget');
  if (flag !== undefined && !(Number(flag) > 0))
    throw new UsageError(`--time-budget must be a number of seconds above 0, such as 20 or 0.5, not "${flag}"`);
  const seconds = flag !== undefined ? Number(flag) : config.timeBudgetSeconds?.value;
  return seconds !== undefined ? new TimeBudget(seconds * 1000, startedAt) : undefined;
}

function protocolOption(options: Map<string, string>): Protocol {
  return oneOf('protocol', options.get('protocol'), PROTOCOLS, 'TCP');
}

async function matrixCommand(a: Analysis, options: Map<string, string>, io: IO): Promise<number> {
  const format = oneOf('format', options.get('format'), ['text', 'json'] as const, 'text');
  const protocol = protocolOption(options);
  const port = portNumber('port', options.get('port'));
  const groupOption = options.get('group');
  const ns = options.get('namespace');
  let indices = a.endpoints.map((_, i) => i);
  if (ns !== undefined) {
    indices = indices.filter((i) => a.endpoints[i].namespace === ns);
    if (indices.length === 0) {
      const known = [...a.cluster.namespaces.keys()];
      const guess = closest(ns, known);
      throw new UsageError(
        `no pods in namespace "${ns}"${guess ? `; did you mean "${guess}"?` : ''} (namespaces: ${known.join(', ') || 'none'})`,
      );
    }
  }
  if (port === undefined && options.has('protocol')) throw new UsageError('--protocol needs --port');
  const group: MatrixGroup =
    groupOption === undefined
      ? defaultGroup(indices.length, format, port)
      : oneOf('group', groupOption, ['pods', 'workloads'] as const, 'pods');
  if (indices.length === 0 && format === 'text') {
    io.out('No pods in the manifests, so there is no matrix to show.\n');
    return 0;
  }
  await writePieces(
    io.out,
    matrixPieces(a, format, {
      indices,
      port: port === undefined ? undefined : { protocol, port },
      group,
      groupedBySize: groupOption === undefined && group === 'workloads',
      columns: io.columns ?? DEFAULT_COLUMNS,
      namespaceGiven: ns !== undefined,
    }),
  );
  return 0;
}

/** --from/--to: a pod id (`ns/name`) or an IP address (ide/resolve-endpoint.ts). */
function endpointOption(a: Analysis, flag: string, value: string | undefined, command = 'explain'): Endpoint {
  if (value === undefined) throw new UsageError(`${command} needs --${flag} NS/POD (or an IP address)`);
  const r = resolveEndpoint(a, value);
  if (!r.ok) throw new UsageError(`--${flag}: ${r.message}`);
  return r.value;
}

function explainCommand(a: Analysis, options: Map<string, string>, io: IO): number {
  const format = oneOf('format', options.get('format'), ['text', 'json'] as const, 'text');
  const protocol = protocolOption(options);
  const from = endpointOption(a, 'from', options.get('from'));
  const to = endpointOption(a, 'to', options.get('to'));
  const portText = options.get('port');
  if (portText === undefined)
    throw new UsageError('explain needs --port N (or a port name the destination pod declares)');
  let port: number;
  if (/^\d+$/.test(portText)) port = portNumber('port', portText)!;
  else {
    const r = resolvePort(to, protocol, portText);
    if (!r.ok) throw new UsageError(`--port: ${r.message}`);
    port = r.value;
  }
  const verdict = a.engine.explainEndpoints(from, to, protocol, port);
  if (format === 'json')
    io.out(
      `${JSON.stringify(
        { from: from.id, to: to.id, ...verdict, text: verdictText(verdict, from.id, to.id) },
        spanReplacer(io.cwd),
        2,
      )}\n`,
    );
  else io.out(`${verdictText(verdict, from.id, to.id).join('\n')}\n`);
  return 0;
}

function pathCommand(a: Analysis, options: Map<string, string>, io: IO): number {
  const format = oneOf('format', options.get('format'), ['text', 'json'] as const, 'text');
  const from = endpointOption(a, 'from', options.get('from'), 'path');
  const to = endpointOption(a, 'to', options.get('to'), 'path');
  for (const [flag, ep] of [
    ['from', from],
    ['to', to],
  ] as const) {
    if (ep.kind === 'external')
      throw new UsageError(`--${flag}: ${ep.id} is not the address of a pod in the workspace; path works between pods`);
  }
  const p = podPath(a.addressing, from.id, to.id)!;
  io.out(format === 'json' ? pathJson(p) : pathText(p));
  return 0;
}

function addressesCommand(a: Analysis, options: Map<string, string>, io: IO): number {
  const format = oneOf('format', options.get('format'), ['text', 'json'] as const, 'text');
  io.out(format === 'json' ? addressesJson(a) : addressesText(a));
  return 0;
}

/** Checked before the manifests are read, so a bad selector is reported first (exit 2). */
function checkSelectorOption(text: string | undefined): void {
  if (text === undefined)
    throw new UsageError('select needs --selector EXPR (a Calico selector, e.g. --selector "app == \'web\'")');
  const r = parseSelector(text);
  if (!r.ok) {
    const [line, caret] = caretLines(text, r.error);
    throw new UsageError(`--selector: invalid Calico selector ${errorText(r.error)}\n  ${line}\n  ${caret}`);
  }
}

function selectCommand(a: Analysis, options: Map<string, string>, io: IO): number {
  const format = oneOf('format', options.get('format'), ['text', 'json'] as const, 'text');
  const r = parseSelector(options.get('selector')!);
  if (!r.ok) return 2; // checked before reading
  const ns = options.get('namespace');
  if (ns !== undefined && !a.cluster.namespaces.has(ns)) {
    const known = [...a.cluster.namespaces.keys()];
    const guess = closest(ns, known);
    throw new UsageError(
      `--namespace: no namespace "${ns}"${guess ? `; did you mean "${guess}"?` : ''} (namespaces: ${known.join(', ') || 'none'})`,
    );
  }
  const matched = selectPods(a, r.selector, ns);
  io.out(format === 'json' ? selectJson(matched) : selectText(a, matched, r.selector, ns));
  return 0;
}

function testCommand(a: Analysis, options: Map<string, string>, io: IO): number {
  const format = oneOf('format', options.get('format'), ['text', 'json', 'junit'] as const, 'text');
  const report = intentTestReport(a);
  if (report.cases.length === 0)
    throw new UsageError(
      'no NetworkIntent (apiVersion: netpol.studio/v1alpha1) with intents found; see the README for the schema',
    );
  io.out(
    format === 'json'
      ? testJson(report, io.cwd)
      : format === 'junit'
        ? testJunit(report, io.cwd)
        : testText(report, io.cwd),
  );
  return report.failed > 0 ? 1 : 0;
}

/** The workspace sources under `paths` (files named explicitly, folders searched). */
function readSources(paths: readonly string[]): SourceFile[] {
  const { files, problems } = discoverManifests(paths);
  if (problems.length) throw new UsageError(problems.join('; '));
  return files.map((f) => {
    try {
      return readSourceFile(f);
    } catch (e) {
      throw new UsageError(`cannot read ${f}: ${(e as Error).message}`);
    }
  });
}

/**
 * `netpol diff PATH... --base REV` (PATH at git revision REV against the working tree) or
 * `netpol diff --before DIR --after DIR`: what the change newly allows and newly denies.
 */
async function diffCommand(args: ParsedArgs, io: IO, podNetwork: string | undefined): Promise<number> {
  const { options } = args;
  const format = oneOf('format', options.get('format'), ['text', 'json', 'sarif'] as const, 'text');
  const base = options.get('base');
  const beforeDir = options.get('before');
  const afterDir = options.get('after');
  let beforeSources: SourceFile[];
  let afterSources: SourceFile[];
  let sides: DiffSides;
  const resolvePath = (p: string) => (isAbsolute(p) ? p : join(io.cwd, p));
  if (base !== undefined) {
    if (beforeDir !== undefined || afterDir !== undefined)
      throw new UsageError('diff takes either --base REV (with PATH...) or --before DIR --after DIR, not both');
    const paths = args.paths.length ? args.paths : ['.'];
    beforeSources = sourcesAtRevision(paths, base, io.cwd);
    afterSources = readSources(paths.map(resolvePath));
    sides = { before: base, after: 'the working tree' };
  } else {
    if (beforeDir === undefined || afterDir === undefined)
      throw new UsageError('diff needs --base REV (a git revision), or both --before DIR and --after DIR');
    if (args.paths.length)
      throw new UsageError(
        `diff --before/--after compares two folders and takes no PATH (got ${args.paths.join(' ')})`,
      );
    beforeSources = readSources([resolvePath(beforeDir)]);
    afterSources = readSources([resolvePath(afterDir)]);
    sides = { before: beforeDir, after: afterDir };
  }
  if (beforeSources.length === 0 && afterSources.length === 0)
    throw new UsageError(`no manifest files (*.yaml, *.yml) found before or after`);
  const analysisOptions = { podNetwork, evaluateStaged: args.flags.has('staged') };
  const d = diffReachability(
    analyzeSources(beforeSources, analysisOptions),
    analyzeSources(afterSources, analysisOptions),
  );
  if (format === 'text') io.out(diffText(d, sides));
  else await writePieces(io.out, format === 'json' ? diffJson(d, sides, io.cwd) : diffSarif(d, io.cwd, VERSION));
  return args.flags.has('fail-on-open') && d.opened > 0 ? 1 : 0;
}

function depsCommand(a: Analysis, config: ProjectConfig, options: Map<string, string>, io: IO): number {
  const format = oneOf('format', options.get('format'), ['text', 'json'] as const, 'text');
  const deps = inferDependencies(a, config.ingressControllers);
  io.out(format === 'json' ? depsJson(a, deps, io.cwd) : depsText(a, deps, io.cwd));
  return 0;
}
