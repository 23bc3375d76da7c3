/**
 * IP addresses and CIDRs as (family, bigint) pairs: parsed and printed by the
 * `ip-address` package, compared with plain bigint arithmetic so membership
 * tests stay cheap inside the engine's inner loops.
 */
import { Address4, Address6 } from 'ip-address';

export type IpFamily = 4 | 6;

export interface IpAddr {
  readonly family: IpFamily;
  readonly value: bigint;
  /** Canonical text (IPv6 compressed). */
  readonly text: string;
}

export interface Cidr {
  readonly family: IpFamily;
  /** The network address (host bits cleared). */
  readonly base: bigint;
  readonly prefix: number;
  /** Canonical `address/prefix` with host bits cleared. */
  readonly text: string;
  /** True when the text as written had host bits set (`10.0.0.1/24`). */
  readonly hostBitsSet: boolean;
}

export const bitsOf = (f: IpFamily): number => (f === 4 ? 32 : 128);

export function formatIp(family: IpFamily, value: bigint): string {
  if (family === 4) {
    // The dotted quad directly: addressing formats one address per pod, and this is the hot path.
    const n = Number(value);
    return `${Math.floor(n / 16777216) % 256}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
  }
  return Address6.fromBigInt(value).correctForm();
}

export function parseIp(text: string): IpAddr | undefined {
  const t = text.trim();
  if (t.includes('/')) return undefined;
  try {
    if (t.includes(':')) {
      const a = new Address6(t);
      return { family: 6, value: a.bigInt(), text: a.correctForm() };
    }
    const a = new Address4(t);
    return { family: 4, value: a.bigInt(), text: a.correctForm() };
  } catch {
    return undefined;
  }
}

/** Parses `a.b.c.d/n` or `x::/n`; the error text is fit for a finding. */
export function parseCidr(text: string): Cidr | { error: string } {
  const t = text.trim();
  const slash = t.indexOf('/');
  if (slash < 0)
    return { error: `"${text}" is not a CIDR: it needs a prefix length, e.g. "${t}/${t.includes(':') ? 128 : 32}"` };
  const addr = parseIp(t.slice(0, slash));
  if (!addr) return { error: `"${text}" is not a CIDR: "${t.slice(0, slash)}" is not an IP address` };
  const prefixText = t.slice(slash + 1);
  const prefix = Number(prefixText);
  const bits = bitsOf(addr.family);
  if (!/^\d+$/.test(prefixText) || prefix > bits)
    return { error: `"${text}" is not a CIDR: the prefix length must be 0 to ${bits}` };
  const base = maskBase(addr.value, prefix, addr.family);
  return {
    family: addr.family,
    base,
    prefix,
    text: `${formatIp(addr.family, base)}/${prefix}`,
    hostBitsSet: base !== addr.value,
  };
}

export function isCidr(c: Cidr | { error: string }): c is Cidr {
  return !('error' in c);
}

function maskBase(value: bigint, prefix: number, family: IpFamily): bigint {
  const hostBits = BigInt(bitsOf(family) - prefix);
  return (value >> hostBits) << hostBits;
}

export function cidrSize(c: Cidr): bigint {
  return 1n << BigInt(bitsOf(c.family) - c.prefix);
}

export function cidrLast(c: Cidr): bigint {
  return c.base + cidrSize(c) - 1n;
}

export function cidrContains(c: Cidr, ip: IpAddr): boolean {
  return c.family === ip.family && ip.value >= c.base && ip.value <= cidrLast(c);
}

/** True when `inner` lies entirely inside `outer`. */
export function cidrCovers(outer: Cidr, inner: Cidr): boolean {
  return (
    outer.family === inner.family &&
    inner.prefix >= outer.prefix &&
    inner.base >= outer.base &&
    cidrLast(inner) <= cidrLast(outer)
  );
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return a.family === b.family && a.base <= cidrLast(b) && b.base <= cidrLast(a);
}

export function makeCidr(family: IpFamily, base: bigint, prefix: number): Cidr {
  const b = maskBase(base, prefix, family);
  return { family, base: b, prefix, text: `${formatIp(family, b)}/${prefix}`, hostBitsSet: false };
}

export function ipAt(c: Cidr, offset: bigint): IpAddr {
  const value = c.base + offset;
  return { family: c.family, value, text: formatIp(c.family, value) };
}

/** A CIDR, or a bare address read as a single-address CIDR (/32 or /128), as Calico reads `nets`. */
export function parseCidrOrIp(text: string): Cidr | { error: string } {
  if (text.includes('/')) return parseCidr(text);
  const addr = parseIp(text);
  if (!addr) return { error: `"${text}" is neither a CIDR nor an IP address` };
  return parseCidr(`${addr.text}/${bitsOf(addr.family)}`);
}

/** The smallest of some bigints (Math.min takes numbers only). */
export function minBigint(first: bigint, ...rest: bigint[]): bigint {
  let min = first;
  for (const x of rest) if (x < min) min = x;
  return min;
}
