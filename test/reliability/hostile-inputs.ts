/**
 * Hostile workspace content, as the reliability issue measured it: each
 * generator returns the text of one file. The regression tests and the fuzzer
 * share them.
 */

/** A NetworkPolicy whose anchors expand to `rules` rules of `peers` peers each (6-7 KB as written). */
export function aliasBombPolicy(rules = 1000, peers = 1000): string {
  const peerList = Array.from({ length: peers - 1 }, () => '*p').join(',');
  return [
    'apiVersion: networking.k8s.io/v1',
    'kind: NetworkPolicy',
    'metadata: {name: bomb, namespace: default}',
    'spec:',
    '  podSelector: {}',
    '  ingress:',
    `  - from: &peers [&p {podSelector: {matchLabels: {app: a}}},${peerList}]`,
    ...Array.from({ length: rules - 1 }, () => '  - from: *peers'),
    '',
  ].join('\n');
}

/** The classic billion laughs, in a ConfigMap (never read as a policy). */
export function billionLaughsConfigMap(): string {
  const lines = ['apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: lol, namespace: default}', 'data:'];
  lines.push('  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]');
  for (let i = 1; i < 9; i++) {
    const prev = String.fromCharCode(96 + i);
    const cur = String.fromCharCode(97 + i);
    lines.push(`  ${cur}: &${cur} [${Array.from({ length: 9 }, () => `*${prev}`).join(',')}]`);
  }
  return `${lines.join('\n')}\n`;
}

/** A ConfigMap with `count` aliases of one small anchor (180 KB at 20,000). */
export function manyAliasesConfigMap(count = 20_000): string {
  const lines = ['apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: many, namespace: default}', 'data:'];
  lines.push('  k0: &v "shared value"');
  for (let i = 1; i < count; i++) lines.push(`  k${i}: *v`);
  return `${lines.join('\n')}\n`;
}

/** A ConfigMap whose data map has `count` keys. */
export function manyKeysConfigMap(count = 100_000): string {
  const lines = ['apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: keys, namespace: default}', 'data:'];
  for (let i = 0; i < count; i++) lines.push(`  key${i}: v`);
  return `${lines.join('\n')}\n`;
}

/** A Calico NetworkPolicy whose selector nests `depth` parentheses. */
export function deepSelectorPolicy(depth = 1500): string {
  return [
    'apiVersion: projectcalico.org/v3',
    'kind: NetworkPolicy',
    'metadata: {name: deep, namespace: default}',
    'spec:',
    `  selector: "${'('.repeat(depth)}app == 'a'${')'.repeat(depth)}"`,
    '  types: [Ingress]',
    '',
  ].join('\n');
}

/** A pod that proves the analysis ran: its id is `canary/canary`. */
export function canaryPod(): string {
  return [
    'apiVersion: v1',
    'kind: Pod',
    'metadata: {name: canary, namespace: canary, labels: {app: canary}}',
    'spec:',
    '  containers: [{name: c, image: busybox}]',
    '',
  ].join('\n');
}
