/** Verdicts in words: the lines `netpol explain` prints and hovers will show. */
import { policyName } from '../policy/rule-model';
import type { DirectionVerdict, Step, Verdict } from './verdict';

const orderText = (o: number | undefined) => (o === undefined ? '' : o === Infinity ? ' (no order)' : ` (order ${o})`);

/** `tier default: NetworkPolicy shop/allow-web (order 1000) ingress rule 1 Allow: from … on …` */
export function stepText(s: Step): string {
  if (s.action === 'EndOfTier' || s.action === 'SkipTier') return `tier ${s.tier}: ${s.detail}`;
  if (s.action === 'Profile') return s.detail;
  const rule = s.ruleIndex !== undefined ? ` ${s.direction} rule ${s.ruleIndex + 1}` : '';
  const action =
    s.action === 'Pass' ? 'Pass (to the next tier)' : s.action === 'Log' ? 'Log (evaluation goes on)' : s.action;
  return `tier ${s.tier}: ${s.policy ? policyName(s.policy) : 'policy'}${orderText(s.order)}${rule} ${action}: ${s.detail}`;
}

export function directionText(v: DirectionVerdict, endpoint: string): string[] {
  const what = v.direction === 'egress' ? `egress from ${endpoint}` : `ingress to ${endpoint}`;
  const verdict = v.allowed ? 'allowed' : 'denied';
  const lines: string[] = [];
  switch (v.reason) {
    case 'no-policy':
      lines.push(`${what}: ${verdict}: no policy selects ${endpoint} for ${v.direction}, so it is not isolated`);
      break;
    case 'not-a-workload':
      lines.push(
        `${what}: ${verdict}: ${endpoint} is not a pod network endpoint (hostNetwork or outside the cluster), so pod policy does not apply`,
      );
      break;
    case 'own-ip':
      lines.push(
        `${what}: ${verdict}: only ClusterNetworkPolicy selects ${endpoint} for ${v.direction}, and a pod's traffic to its own IP is not subject to it`,
      );
      break;
    case 'node-local':
      lines.push(
        `${what}: ${verdict}: traffic from a node to a pod on that node (kubelet health checks) is always allowed`,
      );
      break;
    default: {
      const decided =
        v.reason === 'rule'
          ? 'a rule decided'
          : v.reason === 'end-of-tier'
            ? 'no rule admitted it'
            : 'every tier passed it on; the namespace profile allows';
      lines.push(`${what}: ${verdict} (${decided})`);
      lines.push(
        `  policies selecting ${endpoint} for ${v.direction}: ${v.policies.map((p) => `${policyName(p.ref)} [tier ${p.tier}${orderText(p.order).replace(/[()]/g, '').replace(/^ /, ', ')}]`).join('; ')}`,
      );
      for (const p of v.policies) for (const n of p.notes) lines.push(`  note: ${p.ref.name}: ${n}`);
      for (const s of v.steps) lines.push(`  ${stepText(s)}`);
    }
  }
  return lines;
}

export function verdictText(v: Verdict, from: string, to: string): string[] {
  const lines = [`${from} -> ${to} ${v.protocol}/${v.port}: ${v.allowed ? 'ALLOWED' : 'DENIED'}`];
  for (const n of v.notes) lines.push(`  ${n}`);
  if (v.family === undefined) return lines;
  lines.push(...directionText(v.egress, from).map((l) => `  ${l}`));
  lines.push(...directionText(v.ingress, to).map((l) => `  ${l}`));
  return lines;
}
