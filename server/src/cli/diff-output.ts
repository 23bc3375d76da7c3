/** `netpol diff` output: text grouped by destination workload, JSON for scripts, SARIF for code scanning. */
import type { Result } from 'sarif';
import { plural } from '../common/text';
import { changeText, type ReachabilityChange, type ReachabilityDiff } from '../engine/reachability-diff';
import { policyName } from '../policy/rule-model';
import { displayPath, sarifLocation, sarifLog } from './lint-output';
import { jsonPieces } from './json-stream';

/** What was compared, for headers: `HEAD` and `the working tree`, or two folders. */
export interface DiffSides {
  readonly before: string;
  readonly after: string;
}

function headline(d: ReachabilityDiff, sides: DiffSides): string {
  const counts =
    d.changes.length === 0 ? 'no reachability changes' : `${d.opened} newly allowed, ${d.closed} newly denied`;
  return `${sides.before} -> ${sides.after}: ${counts} (${plural(d.comparedPods, 'pod')} compared)`;
}

export function diffText(d: ReachabilityDiff, sides: DiffSides): string {
  const lines = [headline(d, sides)];
  let current: string | undefined;
  for (const c of d.changes) {
    if (c.destinationOwner !== current) {
      current = c.destinationOwner;
      lines.push('', `${c.destination} (${c.destinationOwner})`);
    }
    lines.push(`  ${c.change === 'opened' ? '+' : '-'} ${changeText(c)}`);
  }
  if (d.addedWorkloads.length) lines.push('', `Only after (not compared): ${d.addedWorkloads.join(', ')}`);
  if (d.removedWorkloads.length) lines.push('', `Only before (not compared): ${d.removedWorkloads.join(', ')}`);
  return `${lines.join('\n')}\n`;
}

function deciderJson(x: ReachabilityChange['before']) {
  return {
    allowed: x.allowed,
    text: x.text,
    ...(x.policy ? { policy: policyName(x.policy) } : {}),
    ...(x.direction ? { direction: x.direction } : {}),
    ...(x.ruleIndex !== undefined ? { rule: x.ruleIndex + 1 } : {}),
  };
}

export function* diffJson(d: ReachabilityDiff, sides: DiffSides, cwd: string): Generator<string> {
  const changes = d.changes.map((c) => ({
    change: c.change,
    source: c.source,
    destination: c.destination,
    sourceOwner: c.sourceOwner,
    destinationOwner: c.destinationOwner,
    protocol: c.protocol,
    port: c.port,
    pairs: c.pairs,
    of: c.of,
    example: c.example,
    before: deciderJson(c.before),
    after: deciderJson(c.after),
    ...(c.span ? { file: displayPath(c.span.file.path, cwd) } : {}),
    text: changeText(c),
  }));
  yield* jsonPieces({
    before: sides.before,
    after: sides.after,
    opened: d.opened,
    closed: d.closed,
    comparedPods: d.comparedPods,
    addedWorkloads: d.addedWorkloads,
    removedWorkloads: d.removedWorkloads,
    changes,
  });
  yield '\n';
}

/**
 * The SARIF rules of diff results. They are not lint rules (not in the rule registry): each result
 * is a change between two states, not a finding in one.
 */
const diffRule = (id: string, name: string, text: string, level: 'warning' | 'note') => ({
  id,
  name,
  shortDescription: { text },
  defaultConfiguration: { level },
});
const DIFF_RULES = [
  diffRule('reachability-opened', 'ReachabilityOpened', 'A connection the change newly allows', 'warning'),
  diffRule('reachability-closed', 'ReachabilityClosed', 'A connection the change newly denies', 'note'),
];

export function diffSarif(d: ReachabilityDiff, cwd: string, version: string): Iterable<string> {
  const results: Result[] = d.changes.map((c) => {
    const opened = c.change === 'opened';
    return {
      ruleId: opened ? 'reachability-opened' : 'reachability-closed',
      ruleIndex: opened ? 0 : 1,
      level: opened ? 'warning' : 'note',
      message: { text: changeText(c) },
      ...(c.span ? { locations: [sarifLocation(c.span, cwd)] } : {}),
    };
  });
  return sarifLog(version, DIFF_RULES, results, cwd);
}
