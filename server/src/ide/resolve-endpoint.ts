/**
 * Naming a connection's ends: a pod id (`ns/name`) or an address, and a port
 * number or a port name the destination declares. The CLI's --from/--to/--port
 * and the editor's Explain Connection both resolve through here.
 */
import { parseIp } from '../common/ip';
import { closest } from '../common/text';
import type { Analysis } from '../engine/analysis';
import type { Protocol } from '../model/kubernetes';
import { type Endpoint, externalEndpoint } from '../policy/endpoint';

/** An answer, or why there is none (words for the user, without the caller's flag or field name). */
export type Resolved<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

/** A pod id (`ns/name`), or an IP address (a pod's, or one outside the cluster). */
export function resolveEndpoint(a: Analysis, value: string): Resolved<Endpoint> {
  const i = a.engine.indexOf(value);
  if (i !== undefined) return { ok: true, value: a.endpoints[i] };
  const ip = parseIp(value);
  if (ip)
    return {
      ok: true,
      value:
        a.endpoints.find((e) => e.ips.some((x) => x.family === ip.family && x.value === ip.value)) ??
        externalEndpoint(ip, a.cluster),
    };
  const ids = a.endpoints.map((e) => e.id);
  const withNs = value.includes('/') ? value : `default/${value}`;
  const guess = a.engine.indexOf(withNs) !== undefined ? withNs : closest(value, ids);
  return {
    ok: false,
    message: `no pod "${value}"${guess ? `; did you mean "${guess}"?` : ''} (pods are named namespace/name${ids.length ? `, e.g. ${ids[0]}` : ''})`,
  };
}

/** A port number, or the number of the `protocol` port `to` declares under that name. */
export function resolvePort(to: Endpoint, protocol: Protocol, text: string): Resolved<number> {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    if (n >= 1 && n <= 65535) return { ok: true, value: n };
    return { ok: false, message: `${text} is not a port number (1-65535)` };
  }
  const named = (to.namedPorts.get(text) ?? []).find((k) => k.startsWith(`${protocol}/`));
  if (!named) {
    const names = [...to.namedPorts.keys()];
    return {
      ok: false,
      message: `${to.id} has no ${protocol} port named "${text}"${names.length ? ` (its named ports: ${names.join(', ')})` : ''}`,
    };
  }
  return { ok: true, value: Number(named.split('/')[1]) };
}
