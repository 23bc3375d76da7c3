/**
 * Endpoints by address, sorted per family, so that an address atom (a rule's CIDRs) finds the
 * endpoints with an address inside its CIDRs by binary search instead of asking every endpoint:
 * with a CIDR per policy, asking every endpoint grew with pods x policies.
 */
import { type Cidr, cidrLast } from '../common/ip';
import type { Endpoint } from './endpoint';
import { lowerBound } from '../common/sorted';

export class AddressIndex {
  /** IPv4 addresses as numbers, ascending, and the endpoint of each. */
  private readonly v4: Float64Array;
  private readonly v4Endpoint: Int32Array;
  /** IPv6 addresses, ascending, and the endpoint of each. */
  private readonly v6: readonly bigint[];
  private readonly v6Endpoint: readonly number[];

  constructor(endpoints: readonly Endpoint[]) {
    const v4: { value: number; endpoint: number }[] = [];
    const v6: { value: bigint; endpoint: number }[] = [];
    endpoints.forEach((ep, i) => {
      for (const ip of ep.ips)
        if (ip.family === 4) v4.push({ value: Number(ip.value), endpoint: i });
        else v6.push({ value: ip.value, endpoint: i });
    });
    v4.sort((a, b) => a.value - b.value);
    v6.sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
    this.v4 = Float64Array.from(v4, (x) => x.value);
    this.v4Endpoint = Int32Array.from(v4, (x) => x.endpoint);
    this.v6 = v6.map((x) => x.value);
    this.v6Endpoint = v6.map((x) => x.endpoint);
  }

  /**
   * The endpoints (ascending, each once) with some address inside one of `cidrs`; undefined when
   * those addresses are more than `most` (the caller then asks every endpoint).
   */
  within(cidrs: readonly Cidr[], most: number): number[] | undefined {
    const spans: [number, number, 4 | 6][] = [];
    let count = 0;
    for (const c of cidrs) {
      const [from, to] =
        c.family === 4
          ? [lowerBound(this.v4, Number(c.base)), lowerBound(this.v4, Number(cidrLast(c)) + 1)]
          : [lowerBound(this.v6, c.base), lowerBound(this.v6, cidrLast(c) + 1n)];
      count += to - from;
      if (count > most) return undefined;
      spans.push([from, to, c.family]);
    }
    const hits: number[] = [];
    for (const [from, to, family] of spans) {
      const owners = family === 4 ? this.v4Endpoint : this.v6Endpoint;
      for (let k = from; k < to; k++) hits.push(owners[k]);
    }
    hits.sort((a, b) => a - b);
    const out: number[] = [];
    for (let k = 0; k < hits.length; k++) if (k === 0 || hits[k] !== hits[k - 1]) out.push(hits[k]);
    return out;
  }
}
