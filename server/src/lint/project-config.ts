/**
 * The project file, `.netpol.yaml` at the workspace root: rule severities,
 * the sensitive ports, more manifest paths to read (`include`), paths not to
 * read (`ignore`), and ingress controllers beyond ingress-nginx. The CLI and
 * the language server read the same file; wrong shapes are `invalid-config`
 * findings at the key, like any manifest's.
 *
 * ```yaml
 * rules:
 *   non-isolated-pods: off          # off | hint | info | warning | error
 * sensitivePorts: [5432, {port: 8080, protocol: TCP, name: admin}]
 * include: [../cluster, ../ingress-nginx]
 * ignore: ['charts/**']
 * ingressControllers:
 *   - {namespace: traefik, podSelector: {matchLabels: {app.kubernetes.io/name: traefik}}}
 * timeBudgetSeconds: 20               # lint rules not started by then are skipped, with a notice
 * ```
 */
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import picomatch from 'picomatch';
import { FindingSink } from '../common/finding-sink';
import type { Finding } from '../common/finding';
import { isRuleId, RULE_IDS, type RuleId } from '../common/rule-registry';
import type { Severity } from '../common/severity';
import type { Located, SourceFile } from '../common/source';
import { closest } from '../common/text';
import type { Labels, Protocol } from '../model/kubernetes';
import { parseFile } from '../yaml/parse-yaml';
import { DocContext, type RMap } from '../yaml/yaml-reader';

import { PROJECT_CONFIG_FILE } from '../yaml/source-role';

export { PROJECT_CONFIG_FILE };

export type RuleSetting = Severity | 'off';

export interface SensitivePort {
  readonly port: number;
  readonly protocol: Protocol;
  /** What usually listens there ("PostgreSQL"), for messages. */
  readonly name: string;
}

/** Pods that run an ingress controller: they become the clients of Ingress backends. */
export interface IngressControllerSpec {
  readonly namespace?: string;
  readonly labels: Labels;
}

export interface ProjectConfig {
  /** The folder paths are relative to: the project file's, or the workspace root. */
  readonly root: string;
  /** The project file, when there is one. */
  readonly file?: SourceFile;
  readonly rules: ReadonlyMap<RuleId, Located<RuleSetting> | { readonly value: RuleSetting }>;
  readonly sensitivePorts: readonly SensitivePort[];
  /** Absolute paths of more manifest files or folders to read. */
  readonly include: readonly string[];
  /** Glob patterns (relative to `root`) of paths not to read. */
  readonly ignore: readonly string[];
  readonly ingressControllers: readonly IngressControllerSpec[];
  /** Seconds the analysis may take before the lint rules not yet run are skipped (lint/index.ts). */
  readonly timeBudgetSeconds?: Located<number>;
  /** Problems in the project file. */
  readonly findings: readonly Finding[];
}

/** Ports whose exposure beyond their namespace deserves a look (sensitive-port-exposed). */
export const DEFAULT_SENSITIVE_PORTS: readonly SensitivePort[] = [
  { port: 5432, protocol: 'TCP', name: 'PostgreSQL' },
  { port: 3306, protocol: 'TCP', name: 'MySQL' },
  { port: 6379, protocol: 'TCP', name: 'Redis' },
  { port: 27017, protocol: 'TCP', name: 'MongoDB' },
  { port: 9200, protocol: 'TCP', name: 'Elasticsearch HTTP' },
  { port: 9300, protocol: 'TCP', name: 'Elasticsearch transport' },
  { port: 9092, protocol: 'TCP', name: 'Kafka' },
  { port: 5672, protocol: 'TCP', name: 'RabbitMQ' },
  { port: 15672, protocol: 'TCP', name: 'RabbitMQ management' },
  { port: 2379, protocol: 'TCP', name: 'etcd client' },
  { port: 2380, protocol: 'TCP', name: 'etcd peer' },
  { port: 11211, protocol: 'TCP', name: 'memcached' },
  { port: 10250, protocol: 'TCP', name: 'kubelet API' },
  { port: 9090, protocol: 'TCP', name: 'Prometheus / metrics' },
  { port: 9091, protocol: 'TCP', name: 'Pushgateway / metrics' },
  { port: 9100, protocol: 'TCP', name: 'node exporter metrics' },
  { port: 8500, protocol: 'TCP', name: 'Consul HTTP' },
  { port: 15000, protocol: 'TCP', name: 'Envoy admin' },
  { port: 8081, protocol: 'TCP', name: 'admin / management' },
  { port: 9000, protocol: 'TCP', name: 'admin / management' },
];

/** What a rule can be set to, in the project file, `--rule` and `netpolStudio.rules`. */
export const RULE_SETTINGS: readonly RuleSetting[] = ['off', 'hint', 'info', 'warning', 'error'];

/** `value` as a rule setting (any case), if it is one. */
export function ruleSettingOf(value: unknown): RuleSetting | undefined {
  return typeof value === 'string' ? RULE_SETTINGS.find((s) => s === value.toLowerCase()) : undefined;
}

/** `there is no rule "x"; did you mean y?`: for a rule id that is not one, with the closest id. */
export function noSuchRule(id: string): string {
  const guess = closest(id, RULE_IDS);
  return `there is no rule "${id}"${guess ? `; did you mean ${guess}?` : ''}`;
}

/** `config` with `overrides` over its rule settings (`--rule`, `netpolStudio.rules`). */
export function withRuleSettings(config: ProjectConfig, overrides: ReadonlyMap<RuleId, RuleSetting>): ProjectConfig {
  if (overrides.size === 0) return config;
  const rules = new Map(config.rules);
  for (const [id, value] of overrides) rules.set(id, { value });
  return { ...config, rules };
}

/** The configuration when there is no project file. */
export function defaultProjectConfig(root: string): ProjectConfig {
  return {
    root,
    rules: new Map(),
    sensitivePorts: DEFAULT_SENSITIVE_PORTS,
    include: [],
    ignore: [],
    ingressControllers: [],
    findings: [],
  };
}

/** Reads `.netpol.yaml` (its text in `file`); problems are findings in that file. */
export function readProjectConfig(file: SourceFile): ProjectConfig {
  const root = dirname(file.path);
  const parsed = parseFile(file);
  const sink = new FindingSink();
  sink.add(parsed.findings);
  const base = defaultProjectConfig(root);
  const doc = parsed.documents.find((d) => d.usable);
  const top = doc && new DocContext(file, doc.doc, sink, false).root();
  if (!top) return { ...base, file, findings: sink.findings };
  top.checkKeys(
    ['rules', 'sensitivePorts', 'include', 'ignore', 'ingressControllers', 'timeBudgetSeconds'],
    `${PROJECT_CONFIG_FILE}`,
  );
  const rules = readRules(top, sink);
  const sensitivePorts = top.has('sensitivePorts') ? readSensitivePorts(top, sink) : DEFAULT_SENSITIVE_PORTS;
  const include = (top.strings('include') ?? []).map((p) => (isAbsolute(p.value) ? p.value : resolve(root, p.value)));
  const ignore = (top.strings('ignore') ?? []).map((p) => p.value);
  const ingressControllers = readIngressControllers(top);
  let timeBudgetSeconds = top.num('timeBudgetSeconds');
  if (timeBudgetSeconds && !(timeBudgetSeconds.value > 0)) {
    sink.report(
      'invalid-config',
      'warning',
      `timeBudgetSeconds must be a number of seconds above 0 (such as 20), not ${timeBudgetSeconds.value}; the analysis runs without a time budget.`,
      timeBudgetSeconds.span,
    );
    timeBudgetSeconds = undefined;
  }
  return {
    root,
    file,
    rules,
    sensitivePorts,
    include,
    ignore,
    ingressControllers,
    ...(timeBudgetSeconds ? { timeBudgetSeconds } : {}),
    findings: sink.findings,
  };
}

function readRules(top: RMap, sink: FindingSink): Map<RuleId, Located<RuleSetting>> {
  const out = new Map<RuleId, Located<RuleSetting>>();
  const rules = top.map('rules');
  for (const e of rules?.entries() ?? []) {
    if (!isRuleId(e.key)) {
      sink.report(
        'invalid-config',
        'warning',
        `rules: ${noSuchRule(e.key)} (the rules are listed in the README).`,
        e.keySpan,
      );
      continue;
    }
    const v = rules?.str(e.key);
    if (!v) continue;
    const setting = ruleSettingOf(v.value);
    if (!setting) {
      sink.report(
        'invalid-config',
        'error',
        `rules.${e.key}: "${v.value}" is not a severity; use one of ${RULE_SETTINGS.join(', ')}.`,
        v.span,
      );
      continue;
    }
    out.set(e.key, { value: setting, span: v.span });
  }
  return out;
}

function readSensitivePorts(top: RMap, sink: FindingSink): SensitivePort[] {
  const out: SensitivePort[] = [];
  for (const item of top.seq('sensitivePorts')?.values() ?? []) {
    if (item.kind === 'number' && Number.isInteger(item.value)) {
      const port = item.value as number;
      if (port >= 1 && port <= 65535) {
        out.push({ port, protocol: 'TCP', name: knownName(port) });
        continue;
      }
    }
    if (item.map) {
      item.map.checkKeys(['port', 'protocol', 'name'], 'a sensitive port');
      const port = item.map.int('port', { min: 1, max: 65535 });
      if (!port) {
        item.map.missing('port');
        continue;
      }
      const protocolText = item.map.str('protocol')?.value ?? 'TCP';
      const protocol = (['TCP', 'UDP', 'SCTP'] as const).find((p) => p === protocolText);
      if (!protocol) {
        sink.report(
          'invalid-config',
          'error',
          `${item.path}.protocol: "${protocolText}" must be TCP, UDP or SCTP.`,
          item.map.entry('protocol')?.valueSpan ?? item.span,
        );
        continue;
      }
      out.push({ port: port.value, protocol, name: item.map.str('name')?.value ?? knownName(port.value) });
      continue;
    }
    sink.report(
      'invalid-config',
      'error',
      `${item.path}: a sensitive port is a port number (1-65535) or {port, protocol, name}.`,
      item.span,
    );
  }
  return out;
}

function knownName(port: number): string {
  return DEFAULT_SENSITIVE_PORTS.find((p) => p.port === port)?.name ?? `port ${port}`;
}

function readIngressControllers(top: RMap): IngressControllerSpec[] {
  const out: IngressControllerSpec[] = [];
  for (const m of top.seq('ingressControllers')?.maps() ?? []) {
    m.checkKeys(['namespace', 'podSelector'], 'an ingress controller');
    const namespace = m.str('namespace')?.value;
    const labels = m.map('podSelector')?.stringMap('matchLabels')?.value ?? {};
    out.push({ namespace, labels });
  }
  return out;
}

/** A matcher for the project's ignored paths (absolute paths in, relative to the root). */
export function ignoredPaths(config: ProjectConfig): (path: string) => boolean {
  if (config.ignore.length === 0) return () => false;
  const match = picomatch([...config.ignore], { dot: true });
  return (path) => {
    const rel = relative(config.root, path).split('\\').join('/');
    if (rel.startsWith('..')) return false;
    // A pattern names a folder as well as the files under it.
    return match(rel) || rel.split('/').some((_, i, parts) => match(parts.slice(0, i + 1).join('/')));
  };
}

/** The severity a finding of `rule` has under the project's settings (`off`: not reported). */
export function settingFor(config: ProjectConfig, rule: RuleId, severity: Severity): RuleSetting {
  return config.rules.get(rule)?.value ?? severity;
}
