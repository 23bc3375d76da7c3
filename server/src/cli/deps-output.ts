/**
 * `netpol deps`: the dependencies inferred from the manifests (engine/dependencies.ts),
 * each with where it was read and whether the policies let it through, so users
 * can see what was inferred and correct it.
 */
import { rangeOf } from '../common/source';
import type { Analysis } from '../engine/analysis';
import {
  checkDependency,
  type Dependency,
  type DependencyCheck,
  describeDependencyTarget,
  destinationPortsText,
} from '../engine/dependencies';
import { displayPath } from './lint-output';

function status(
  d: Dependency,
  c: DependencyCheck | undefined,
): 'allowed' | 'blocked' | 'partly blocked' | 'unknown-service' | 'no-pods' {
  if (!d.target) return 'unknown-service';
  if (!c || c.pairs === 0) return 'no-pods';
  if (c.blockedCount === 0) return 'allowed';
  return c.blockedCount === c.pairs ? 'blocked' : 'partly blocked';
}

function checks(a: Analysis, deps: readonly Dependency[]) {
  return deps.map((d) => {
    const c = d.target && d.destinations.length ? checkDependency(a, d) : undefined;
    return { d, c, status: status(d, c) };
  });
}

function where(d: Dependency, cwd: string): string {
  const r = rangeOf(d.reference.span);
  return `${displayPath(d.reference.span.file.path, cwd)}:${r.start.line + 1}:${r.start.character + 1}`;
}

export function depsText(a: Analysis, deps: readonly Dependency[], cwd: string): string {
  const lines: string[] = [];
  let client = '';
  for (const { d, c, status: s } of checks(a, deps)) {
    if (d.client !== client) {
      if (client) lines.push('');
      lines.push(d.client);
      client = d.client;
    }
    const ports = destinationPortsText(d);
    const verdict =
      s === 'unknown-service'
        ? 'not in the workspace'
        : s === 'no-pods'
          ? 'no pod behind it on those ports'
          : s === 'allowed'
            ? `ALLOWED (${c!.pairs} of ${c!.pairs} pairs)`
            : `${s.toUpperCase()} (${c!.blockedCount} of ${c!.pairs} pairs)`;
    lines.push(
      `  -> ${describeDependencyTarget(d)}${ports.length ? ` (${ports.join(', ')} on its pods)` : ''}: ${verdict}`,
    );
    lines.push(`     from ${d.reference.via}: "${d.reference.text}" (${where(d, cwd)})`);
    if (c?.deciding && c.blockedCount)
      lines.push(`     first blocked pair ${c.blocked[0].from} -> ${c.blocked[0].to}: ${c.deciding.text}`);
  }
  if (lines.length === 0)
    lines.push('No dependencies found in env values, ConfigMaps, command lines or Ingress backends.');
  else {
    const all = checks(a, deps);
    const blocked = all.filter((x) => x.status === 'blocked' || x.status === 'partly blocked').length;
    lines.push(
      '',
      `${deps.length} dependencies, ${blocked} blocked, ${all.filter((x) => x.status === 'unknown-service').length} to Services not in the workspace`,
    );
  }
  return `${lines.join('\n')}\n`;
}

export function depsJson(a: Analysis, deps: readonly Dependency[], cwd: string): string {
  return `${JSON.stringify(
    checks(a, deps).map(({ d, c, status: s }) => {
      const r = rangeOf(d.reference.span);
      return {
        client: d.client,
        clients: d.clients.map((i) => a.endpoints[i].id),
        service: `${d.reference.namespace}/${d.reference.service}`,
        servicePorts: d.servicePorts.map((p) => p.port),
        destinations: [...new Set(d.destinations.map((p) => a.endpoints[p.index].id))],
        destinationPorts: destinationPortsText(d),
        source: d.reference.source,
        via: d.reference.via,
        text: d.reference.text,
        file: displayPath(d.reference.span.file.path, cwd),
        line: r.start.line + 1,
        column: r.start.character + 1,
        status: s,
        ...(c ? { pairs: c.pairs, blockedPairs: c.blockedCount, blocked: c.blocked } : {}),
        ...(c?.deciding && c.blockedCount ? { decidedBy: c.deciding.text } : {}),
      };
    }),
    null,
    2,
  )}\n`;
}
