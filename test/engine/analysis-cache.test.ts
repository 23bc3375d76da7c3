/**
 * The language server's incremental analysis (engine/analysis-cache.ts) and incremental lint
 * (lint/lint-memo.ts) must be invisible: after any sequence of edits (pods, workloads, namespaces,
 * nodes, Services, intents, policies of every kind, net-conf.json, comments that move everything
 * below them, files added and deleted), its analysis and findings are the findings, endpoint
 * classes, addresses and verdicts that an analysis and lint from scratch give.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Finding } from '../../server/src/common/finding';
import { SourceFile } from '../../server/src/common/source';
import type { Analysis } from '../../server/src/engine/analysis';
import { analyzeSources } from '../../server/src/engine/analysis';
import { allAdmissions } from '../../server/src/engine/admission';
import { AnalysisCache } from '../../server/src/engine/analysis-cache';
import { runLint } from '../../server/src/lint';
import { LintMemo } from '../../server/src/lint/lint-memo';
import { policyName } from '../../server/src/policy/rule-model';
import { type ParsedFile, parseFile } from '../../server/src/yaml/parse-yaml';
import { deployment, docs, namespace, node, pod, policy } from '../manifests';
import { prng } from '../reliability/fuzz-cases';

const NAMESPACES = ['shop', 'bank', 'ops'];
const APPS = ['web', 'api', 'db'];
const TIERS = ['front', 'back'];
const TEAMS = ['red', 'blue'];

class Generator {
  private n = 0;
  constructor(readonly next: () => number) {}

  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)];
  }

  private name(prefix: string): string {
    return `${prefix}-${this.n++}`;
  }

  private labels(): Record<string, string> {
    const labels: Record<string, string> = { app: this.pick(APPS) };
    if (this.next() < 0.6) labels.tier = this.pick(TIERS);
    return labels;
  }

  private selector(): string {
    const r = this.next();
    if (r < 0.25) return '{}';
    if (r < 0.8) return `{matchLabels: {app: ${this.pick(APPS)}}}`;
    return `{matchExpressions: [{key: tier, operator: In, values: [${this.pick(TIERS)}]}]}`;
  }

  private peer(): string {
    const r = this.next();
    if (r < 0.4) return `{podSelector: ${this.selector()}}`;
    if (r < 0.7)
      return `{namespaceSelector: {matchLabels: {team: ${this.pick(TEAMS)}}}, podSelector: ${this.selector()}}`;
    if (r < 0.85) return `{ipBlock: {cidr: 10.${this.pick(['0', '244', '100'])}.0.0/16}}`;
    return '{namespaceSelector: {}}';
  }

  private port(): string {
    return this.pick([
      '{port: http}',
      '{port: 80}',
      '{port: 5432}',
      '{protocol: UDP, port: 53}',
      '{port: metrics}',
      '{port: 8080}',
      '{protocol: UDP, port: 80}',
      '{port: 80, endPort: 90}',
    ]);
  }

  private cidr(): string {
    return this.pick(['10.0.0.0/8', '10.244.0.0/16', '0.0.0.0/0', '192.168.1.0/24', '8.8.8.8/32', '172.16.0.0/12']);
  }

  private calicoRule(): string {
    const action = this.pick(['Allow', 'Deny', 'Pass']);
    const r = this.next();
    const side =
      r < 0.3
        ? `{selector: tier == '${this.pick(TIERS)}'}`
        : r < 0.5
          ? `{nets: [${this.cidr()}]}`
          : r < 0.65
            ? `{notNets: [${this.cidr()}]}`
            : r < 0.8
              ? `{namespaceSelector: team == '${this.pick(TEAMS)}'}`
              : '{}';
    const ports =
      this.next() < 0.5 ? `, destination: {ports: [${this.pick(['80', "'http'", '5432', '9000:9100'])}]}` : '';
    const protocol = this.next() < 0.5 ? `, protocol: ${this.pick(['TCP', 'UDP'])}` : '';
    return `{action: ${action}${protocol}, source: ${side}${ports}}`;
  }

  /** A policy of any kind: what an edit of a policy file writes. */
  policyDocument(): string {
    const ns = this.pick(NAMESPACES);
    const r = this.next();
    if (r < 0.3)
      return `apiVersion: projectcalico.org/v3\nkind: ${this.pick(['NetworkPolicy', 'StagedNetworkPolicy'])}\nmetadata: {name: ${this.pick(['cnp-a', 'cnp-b', 'gate'])}, namespace: ${ns}}\nspec:\n  order: ${this.pick([10, 100, 500])}\n  selector: app == '${this.pick(APPS)}'\n  types: [Ingress]\n  ingress: [${this.calicoRule()}, ${this.calicoRule()}]\n`;
    if (r < 0.4)
      return `apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata: {name: ${this.pick(['g1', 'g2'])}}\nspec:\n  selector: app == '${this.pick(APPS)}'\n  types: [Egress]\n  egress: [{action: ${this.pick(['Allow', 'Deny'])}, destination: {nets: [${this.cidr()}]}}]\n`;
    // A wide policy makes other files' rules redundant, and open to everything.
    if (r < 0.55)
      return policy(
        `${ns}/${this.pick(['wide', 'open'])}`,
        `podSelector: ${this.pick(['{}', this.selector()])}\ningress: [{from: [${this.pick(['{namespaceSelector: {}}', '{podSelector: {}}', `{ipBlock: {cidr: ${this.cidr()}}}`])}]${this.next() < 0.5 ? '' : `, ports: [${this.port()}]`}}]`,
      );
    const types = this.pick(['[Ingress]', '[Egress]', '[Ingress, Egress]']);
    const peers = Array.from({ length: 1 + Math.floor(this.next() * 2) }, () =>
      this.next() < 0.3 ? `{ipBlock: {cidr: ${this.cidr()}}}` : this.peer(),
    );
    const ports = this.next() < 0.2 ? '' : `, ports: [${this.port()}${this.next() < 0.3 ? `, ${this.port()}` : ''}]`;
    return policy(
      `${ns}/${this.pick(['allow', 'deny', 'p1', 'p2', 'open'])}`,
      `podSelector: ${this.selector()}\npolicyTypes: ${types}\ningress: [{from: [${peers.join(', ')}]${ports}}]\negress: [{to: [${this.peer()}]${ports}}]`,
    );
  }

  policyFile(): string {
    const count = 1 + Math.floor(this.next() * 3);
    return docs(...Array.from({ length: count }, () => this.policyDocument()));
  }

  intent(): string {
    return `apiVersion: netpol.studio/v1alpha1\nkind: NetworkIntent\nmetadata: {name: intents, namespace: ${this.pick(NAMESPACES)}}\nspec:\n  intents:\n  - name: web-to-db\n    from: {podSelector: {matchLabels: {app: web}}}\n    to: {podSelector: {matchLabels: {app: ${this.pick(APPS)}}}}\n    ports: [{port: ${this.pick([80, 5432, 8080])}}]\n    expect: ${this.pick(['allow', 'deny'])}\n`;
  }

  document(): string {
    const ns = this.pick(NAMESPACES);
    const r = this.next();
    if (r < 0.2)
      return pod(`${ns}/${this.name('pod')}`, {
        labels: this.labels(),
        node: this.next() < 0.3 ? this.pick(['node-1', 'node-2']) : undefined,
        ports: this.next() < 0.5 ? [{ name: 'http', port: 80 }] : [{ name: 'pg', port: 5432 }],
      });
    if (r < 0.3) return deployment(`${ns}/${this.name('deploy')}`, 1 + Math.floor(this.next() * 3));
    if (r < 0.4) return namespace(ns, { team: this.pick(TEAMS) });
    if (r < 0.45) return node(this.pick(['node-1', 'node-2', 'node-3']));
    if (r < 0.47) return this.intent();
    if (r < 0.5)
      return `apiVersion: v1\nkind: Service\nmetadata: {name: ${this.pick(APPS)}, namespace: ${ns}}\nspec:\n  selector: {app: ${this.pick(APPS)}}\n  ports: [{port: 80, targetPort: http}]\n`;
    if (r < 0.6) return this.policyDocument();
    if (r < 0.65)
      return `apiVersion: projectcalico.org/v3\nkind: NetworkPolicy\nmetadata: {name: ${this.name('cnp')}, namespace: ${ns}}\nspec:\n  selector: app == '${this.pick(APPS)}'\n  types: [Ingress]\n  ingress:\n  - action: ${this.pick(['Allow', 'Deny'])}\n    source: {selector: tier == '${this.pick(TIERS)}'}\n`;
    const types = this.pick(['[Ingress]', '[Egress]', '[Ingress, Egress]']);
    return policy(
      `${ns}/${this.pick(['allow', 'deny', 'p1', 'p2'])}`,
      `podSelector: ${this.selector()}\npolicyTypes: ${types}\ningress: [{from: [${this.peer()}], ports: [${this.port()}]}]\negress: [{to: [${this.peer()}]}]`,
    );
  }

  file(): string {
    const count = 1 + Math.floor(this.next() * 3);
    return docs(...Array.from({ length: count }, () => this.document()));
  }

  netConf(): string {
    return JSON.stringify({ Network: this.pick(['10.244.0.0/16', '10.100.0.0/16']), Backend: { Type: 'vxlan' } });
  }
}

/** An edit of policies only (a policy replaced, a comment, a policy file deleted or written). */
function policyEdit(files: Map<string, string>, g: Generator): string {
  const policyFiles = [...files.keys()].filter((p) => p.startsWith('policies-'));
  const r = g.next();
  if (r < 0.45 && policyFiles.length) {
    const path = g.pick(policyFiles);
    const parts = files.get(path)!.split('---\n');
    parts[Math.floor(g.next() * parts.length)] = g.policyDocument();
    files.set(path, parts.join('---\n'));
    return `replace a policy of ${path}`;
  }
  if (r < 0.6 && policyFiles.length) {
    const path = g.pick(policyFiles);
    files.set(path, `# edited\n${files.get(path)!}`);
    return `comment at the top of ${path}`;
  }
  if (r < 0.7 && policyFiles.length > 1) {
    const path = g.pick(policyFiles);
    files.delete(path);
    return `delete ${path}`;
  }
  const path = `policies-${Math.floor(g.next() * 4)}.yaml`;
  files.set(path, g.policyFile());
  return `write ${path}`;
}

/** The edits a session makes: each returns what it did, for the failure message. */
function edit(files: Map<string, string>, g: Generator): string {
  const paths = [...files.keys()].filter((p) => p.endsWith('.yaml'));
  const some = () => g.pick(paths);
  // Most edits in an editor change a policy and nothing else: those are the ones lint does not run in full for.
  if (g.next() < 0.5) return policyEdit(files, g);
  const r = g.next();
  if (r < 0.3 && paths.length) {
    // One document of a file replaced.
    const path = some();
    const parts = files.get(path)!.split('---\n');
    parts[Math.floor(g.next() * parts.length)] = g.document();
    files.set(path, parts.join('---\n'));
    return `replace a document of ${path}`;
  }
  if (r < 0.45 && paths.length) {
    const path = some();
    files.set(path, `${files.get(path)!}---\n${g.document()}`);
    return `add a document to ${path}`;
  }
  if (r < 0.55 && paths.length) {
    // A comment above everything: every span of the file moves, nothing else changes.
    const path = some();
    files.set(path, `# edited\n${files.get(path)!}`);
    return `comment at the top of ${path}`;
  }
  if (r < 0.65) {
    const path = `f${Math.floor(g.next() * 8)}.yaml`;
    files.set(path, g.file());
    return `write ${path}`;
  }
  if (r < 0.75 && paths.length > 1) {
    const path = some();
    files.delete(path);
    return `delete ${path}`;
  }
  if (r < 0.85) {
    if (files.has('net-conf.json') && g.next() < 0.4) {
      files.delete('net-conf.json');
      return 'delete net-conf.json';
    }
    files.set('net-conf.json', g.netConf());
    return 'write net-conf.json';
  }
  return 'nothing (analyse again)';
}

/** What every rule admits (engine/admission.ts), by class and outside class ids: what hovers and rules read. */
function admissions(a: Analysis): string[] {
  const ids = (xs: readonly { id: number }[]) => xs.map((x) => x.id).join(',');
  return allAdmissions(a).map(
    (x) =>
      `${policyName(x.policy.ref)} ${x.rule.direction} ${x.rule.index}: peers ${ids(x.peerClasses)} outside ${ids(x.externalClasses)} subjects ${ids(x.subjectClasses)} ports ${JSON.stringify(x.ports)} families ${x.families}`,
  );
}

/**
 * What a user can see of an analysis: findings, classes, addresses, verdicts and admissions (the
 * findings of `lint`, which runs first: the admissions it asks for are the ones carried).
 */
function observed(a: Analysis, lint: (a: Analysis) => readonly Finding[] = (x) => runLint(x).findings): unknown {
  const findings = lint(a).map((f) => ({
    rule: f.rule,
    severity: f.severity,
    message: f.message,
    at: `${f.span.file.path}:${f.span.start}-${f.span.end}`,
    related: f.related?.map((r) => `${r.span.file.path}:${r.span.start}-${r.span.end} ${r.message}`),
    fixes: f.fixes?.map((x) => JSON.stringify(x, (k, v) => (k === 'file' ? v.path : v))),
  }));
  const classes = a.engine.classes.map((c) => c.members.map((i) => a.endpoints[i].id).join(','));
  const addresses = a.endpoints.map((e) => `${e.id} ${e.ips.map((ip) => ip.text).join(',')} ${e.node ?? ''}`);
  const verdicts: string[] = [];
  for (let i = 0; i < a.endpoints.length; i++)
    for (let j = 0; j < a.endpoints.length; j++)
      for (const port of [80, 5432]) verdicts.push(a.engine.allowed(i, j, 'TCP', port) ? '1' : '0');
  return { findings, classes, addresses, verdicts: verdicts.join(''), admissions: admissions(a) };
}

/**
 * Analyses the workspace `files` after each of `steps` edits, incrementally (one AnalysisCache and
 * LintMemo, a file parsed again only when its text changed, as the language server does) and from
 * scratch, and compares what a user sees.
 */
function compareSession(
  files: Map<string, string>,
  steps: number,
  editOnce: (files: Map<string, string>) => string,
): { cache: AnalysisCache; memo: LintMemo } {
  const cache = new AnalysisCache();
  const memo = new LintMemo();
  const parses = new Map<string, ParsedFile>();
  const done: string[] = [];
  for (let step = 0; step < steps; step++) {
    if (step > 0) done.push(editOnce(files));
    const paths = [...files.keys()].sort();
    for (const p of [...parses.keys()]) if (files.get(p) !== parses.get(p)!.file.text) parses.delete(p);
    const parsed = paths.map((p) => {
      let pf = parses.get(p);
      if (!pf) {
        pf = parseFile(new SourceFile(p, files.get(p)!));
        parses.set(p, pf);
      }
      return pf;
    });
    const incremental = observed(cache.analyze(parsed), (a) => runLint(a, { memo }).findings);
    const scratch = observed(analyzeSources(paths.map((p) => new SourceFile(p, files.get(p)!))));
    assert.deepEqual(incremental, scratch, `after: ${done.join('; ') || 'the first analysis'}`);
  }
  return { cache, memo };
}

describe('engine: the incremental analysis equals an analysis from scratch', () => {
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    it(`after random edits (seed ${seed})`, () => {
      const g = new Generator(prng(seed));
      const files = new Map<string, string>();
      for (let i = 0; i < 3; i++) files.set(`f${i}.yaml`, g.file());
      for (let i = 0; i < 2; i++) files.set(`policies-${i}.yaml`, g.policyFile());
      const { cache, memo } = compareSession(files, 16, (f) => edit(f, g));
      assert.ok(cache.stats.filesRead < cache.stats.analyses * files.size, 'unchanged files were not read again');
      assert.ok(memo.stats.incrementalRuns > 0, 'some runs kept the findings of unchanged files');
    });
  }

  for (const seed of [11, 12, 13, 14]) {
    it(`after random policy edits that keep the endpoint classes (seed ${seed})`, () => {
      // An anchor file of many policies already splits the pods by most selectors the edits can
      // write: the classes mostly stay, while the atoms (and their ids) come and go, so what rules
      // admit is carried from analysis to analysis (engine/carried-admissions.ts).
      const g = new Generator(prng(seed));
      const files = new Map<string, string>();
      for (let i = 0; i < 3; i++) files.set(`f${i}.yaml`, g.file());
      files.set('zz-anchor.yaml', docs(...Array.from({ length: 30 }, () => g.policyDocument())));
      for (let i = 0; i < 2; i++) files.set(`policies-${i}.yaml`, g.policyFile());
      const { cache } = compareSession(files, 12, (f) => policyEdit(f, g));
      const { reused, epochs } = cache.admissions.stats;
      assert.ok(
        reused > 0 && epochs < cache.stats.analyses,
        `admissions carried: ${JSON.stringify(cache.admissions.stats)}`,
      );
    });
  }

  it('carries an admission by what its rule reads, not by atom ids (which an edit renumbers)', () => {
    const workloads = docs(namespace('shop'), pod('shop/web'), pod('shop/api'), pod('shop/db'));
    const from = (name: string, subject: string, peer?: string, ports = '') =>
      policy(
        `shop/${name}`,
        peer
          ? `podSelector: {matchLabels: {app: ${subject}}}\ningress: [{from: [{podSelector: {matchLabels: {app: ${peer}}}}]${ports}}]`
          : `podSelector: {matchLabels: {app: ${subject}}}\npolicyTypes: [Egress]`,
      );
    // Before: web (atom 0) and api (1) in p.yaml, then db (2), and q.yaml's rule admits web, atom 0.
    // After: api (0) and db (1), and p.yaml's new rule of db admits api, atom 0: the same rule by ids.
    // Then rules that differ from one kept only by their protocol or ports.
    const files = new Map([
      ['p.yaml', from('p', 'web', 'api')],
      ['q.yaml', from('q', 'db', 'web')],
      ['w.yaml', workloads],
    ]);
    const edits: [string, string][] = [
      ['p.yaml', docs(from('p', 'api'), from('p2', 'db', 'api'))],
      ['q.yaml', from('q', 'db', 'web', ', ports: [{protocol: TCP, port: 53}]')],
      ['q.yaml', from('q', 'db', 'web', ', ports: [{protocol: UDP, port: 53}]')],
      ['q.yaml', from('q', 'db', 'web', ', ports: [{protocol: UDP, port: 54}]')],
      ['q.yaml', from('q', 'db', 'web', ', ports: [{protocol: TCP, port: http}]')],
      ['q.yaml', from('q', 'db', 'web', ', ports: [{protocol: TCP, port: metrics}]')],
    ];
    const { cache } = compareSession(files, edits.length + 1, () => {
      const [path, text] = edits.shift()!;
      files.set(path, text);
      return `${path}: ${text}`;
    });
    assert.deepEqual(cache.admissions.stats.epochs, 1, 'the classes stayed');
    assert.ok(cache.admissions.stats.reused > 0);
  });

  it('carries no admission across an edit that cuts the pods into as many classes, but other ones', () => {
    const labelled = (id: string, app: string, tier: string) => pod(id, { labels: { app, tier } });
    const workloads = docs(
      namespace('shop'),
      labelled('shop/a', 'x', 'one'),
      labelled('shop/b', 'y', 'one'),
      labelled('shop/c', 'z', 'two'),
      labelled('shop/d', 'w', 'two'),
    );
    const selects = (app: string) =>
      policy('shop/p', `podSelector: {matchLabels: {app: ${app}}}\npolicyTypes: [Egress]`);
    // Before, {a} {b} {c, d}; after, {a, b} {c} {d}: three classes each time. q's rule admits the
    // pods of tier one, classes 0 and 1 before, class 0 after.
    const files = new Map([
      ['p.yaml', selects('x')],
      [
        'q.yaml',
        policy(
          'shop/q',
          'podSelector: {matchLabels: {tier: one}}\ningress: [{from: [{podSelector: {matchLabels: {tier: one}}}]}]',
        ),
      ],
      ['w.yaml', workloads],
    ]);
    const { cache } = compareSession(files, 2, () => files.set('p.yaml', selects('w')) && 'p.yaml selects d');
    assert.equal(cache.admissions.stats.epochs, 2, 'the classes changed');
  });

  it('keeps the endpoints and reads only the edited file when a policy changes', () => {
    const workloads = docs(namespace('shop'), pod('shop/web'), pod('shop/db', { labels: { app: 'db' } }));
    const rule = (app: string) =>
      policy(
        'shop/p',
        `podSelector: {matchLabels: {app: db}}\ningress: [{from: [{podSelector: {matchLabels: {app: ${app}}}}]}]`,
      );
    const w = parseFile(new SourceFile('w.yaml', workloads));
    const cache = new AnalysisCache();
    const first = cache.analyze([parseFile(new SourceFile('p.yaml', rule('web'))), w]);
    const second = cache.analyze([parseFile(new SourceFile('p.yaml', rule('api'))), w]);
    assert.equal(cache.stats.filesRead, 3, 'the workloads file is read once');
    assert.equal(cache.stats.endpointRuns, 1, 'addresses and endpoints are kept');
    assert.equal(second.endpoints, first.endpoints);
    const web = second.engine.indexOf('shop/web')!;
    const db = second.engine.indexOf('shop/db')!;
    assert.equal(first.engine.allowed(web, db, 'TCP', 80), true);
    assert.equal(second.engine.allowed(web, db, 'TCP', 80), false, 'the edit is seen');
  });
});
