/** For network-stage tests: flannel's ConfigMap, and flannel findings with the exact text they cover. */
import type { Finding } from '../../server/src/common/finding';
import { lint } from '../../server/src/lint';
import type { Analysis } from '../../server/src/engine/analysis';
import { spanned, where } from '../helpers';

const indent = (text: string, n: number) =>
  text
    .split('\n')
    .map((l) => (l ? ' '.repeat(n) + l : l))
    .join('\n');

/** kube-flannel.yml's ConfigMap with `json` as its net-conf.json block (`|`), starting on line 8. */
export function flannelConfigMap(
  json: string,
  opts: { name?: string; namespace?: string; extra?: string } = {},
): string {
  return [
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    `  name: ${opts.name ?? 'kube-flannel-cfg'}`,
    `  namespace: ${opts.namespace ?? 'kube-flannel'}`,
    'data:',
    ...(opts.extra ? [indent(opts.extra, 2)] : []),
    '  net-conf.json: |',
    indent(json, 4),
    '',
  ].join('\n');
}

/** Lint findings of one rule as `rule@line:col text`, the text being exactly what the range covers. */
export function located(a: Analysis, rule: string): string[] {
  return lint(a)
    .filter((f) => f.rule === rule)
    .map((f) => `${where(f)} ${spanned(f)}`);
}

export function only(a: Analysis, rule: string): Finding {
  const all = lint(a).filter((f) => f.rule === rule);
  if (all.length !== 1)
    throw new Error(
      `expected one ${rule} finding, got ${all.length}: ${all.map((f) => `${where(f)} ${f.message}`).join(' | ')}`,
    );
  return all[0];
}

export function flannelFindings(a: Analysis): string[] {
  return lint(a)
    .filter((f) => f.rule.startsWith('flannel-'))
    .map((f) => `${where(f)} ${f.message}`);
}

/**
 * The expected `located` entry for `token` on 1-based `line` of `text`: the
 * column is where the token is written on that line (its `nth` occurrence).
 */
export function at(rule: string, text: string, line: number, token: string, nth = 0): string {
  const l = text.split('\n')[line - 1] ?? '';
  let col = -1;
  for (let i = 0; i <= nth; i++) col = l.indexOf(token, col + 1);
  if (col < 0) throw new Error(`"${token}" is not on line ${line}: ${l}`);
  return `${rule}@${line}:${col + 1} ${token}`;
}
