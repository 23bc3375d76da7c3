/** `netpol path`: how a packet travels between two pods (bridge, backend, outer addresses, MTU). */
import type { PodPath } from '../network/pod-path';

export function pathJson(p: PodPath): string {
  const enc = p.encapsulation;
  return `${JSON.stringify(
    {
      from: p.from,
      to: p.to,
      kind: p.kind,
      family: p.family === undefined ? null : p.family === 4 ? 'IPv4' : 'IPv6',
      src: p.src?.text ?? null,
      dst: p.dst?.text ?? null,
      fromNode: p.fromNode ?? null,
      toNode: p.toNode ?? null,
      backend: p.backend,
      encapsulation: enc
        ? {
            protocol: enc.protocol,
            port: enc.port ?? null,
            vni: enc.vni ?? null,
            device: enc.device ?? null,
            outerSrc: enc.outerSrc?.text ?? null,
            outerDst: enc.outerDst?.text ?? null,
            overhead: enc.overhead,
          }
        : null,
      mtu: p.mtu,
      hops: p.hops,
      notes: p.notes,
    },
    null,
    2,
  )}\n`;
}

const KIND_WORDS: Record<PodPath['kind'], string> = {
  'same-pod': 'inside one pod',
  'same-node': 'on one node',
  encapsulated: 'between nodes, encapsulated',
  routed: 'between nodes, routed without encapsulation',
  'host-to-host': 'between nodes, over their own network',
  unroutable: 'no route',
  'no-address': 'no path',
};

export function pathText(p: PodPath): string {
  const head = `${p.from}${p.src ? ` (${p.src.text})` : ''} -> ${p.to}${p.dst ? ` (${p.dst.text})` : ''}: ${KIND_WORDS[p.kind]}`;
  const lines = [head];
  for (const [i, h] of p.hops.entries()) lines.push(`  ${i + 1}. ${h}`);
  if (p.encapsulation) {
    const e = p.encapsulation;
    const extras = [
      e.vni !== undefined ? `VNI ${e.vni}` : '',
      e.port !== undefined ? `UDP ${e.port}` : '',
      e.device ? `device ${e.device}` : '',
    ].filter((x) => x);
    lines.push(
      `  outer ${e.outerSrc?.text ?? '?'} -> ${e.outerDst?.text ?? '?'}, ${e.protocol}${extras.length ? ` (${extras.join(', ')})` : ''}, +${e.overhead} bytes`,
    );
  }
  if (p.kind !== 'no-address') lines.push(`  pod MTU ${p.mtu}`);
  for (const n of p.notes) lines.push(`  note: ${n}`);
  return `${lines.join('\n')}\n`;
}
