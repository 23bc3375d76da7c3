/**
 * Endpoints by address, sorted per family, so that an address atom (a rule's CIDRs) finds the
 * endpoints inside its CIDRs by binary search instead of asking every endpoint: with a CIDR per
 * policy, asking every endpoint grew with pods x policies.
 *
 * Only each endpoint's first address of each family is indexed: that address decides a CIDR
 * test for its family (atoms.ts, NetsAtom), so the index answers the atom exactly.
 */
import { type Cidr, cidrLast } from '../common/ip';
import { lowerBound } from '../common/sorted';
import type { Endpoint } from './endpoint';

/** The endpoints answering a CIDR test with some address inside: ascending, with their family bits (IPv4 1, IPv6 2). */
export interface InsideEndpoints {
  readonly at: readonly number[];
  readonly bits: readonly number[];
}

export class AddressIndex {
  /** Deciding IPv4 addresses as numbers, ascending, and the endpoint of each. */
  private readonly v4: Float64Array;
  private readonly v4Endpoint: Int32Array;
  /** Deciding IPv6 addresses, ascending, and the endpoint of each. */
  private readonly v6: readonly bigint[];
  private readonly v6Endpoint: readonly number[];
  /** Scratch family bits per endpoint, all zero between calls. */
  private readonly scratch: Uint8Array;

  constructor(endpoints: readonly Endpoint[]) {
    const v4: { value: number; endpoint: number }[] = [];
    const v6: { value: bigint; endpoint: number }[] = [];
    for (let i = 0; i < endpoints.length; i++) {
      let seen = 0;
      for (const ip of endpoints[i].ips) {
        const bit = ip.family === 4 ? 1 : 2;
        if (seen & bit) continue;
        seen |= bit;
        if (bit === 1) v4.push({ value: Number(ip.value), endpoint: i });
        else v6.push({ value: ip.value, endpoint: i });
      }
    }
    v4.sort((a, b) => a.value - b.value);
    v6.sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
    this.v4 = Float64Array.from(v4, (x) => x.value);
    this.v4Endpoint = Int32Array.from(v4, (x) => x.endpoint);
    this.v6 = v6.map((x) => x.value);
    this.v6Endpoint = v6.map((x) => x.endpoint);
    this.scratch = new Uint8Array(endpoints.length);
  }

  /** The positions [from, to) of the indexed addresses inside `c`, and their owners. */
  private span(c: Cidr): { from: number; to: number; owners: ArrayLike<number> } {
    return c.family === 4
      ? {
          from: lowerBound(this.v4, Number(c.base)),
          to: lowerBound(this.v4, Number(cidrLast(c)) + 1),
          owners: this.v4Endpoint,
        }
      : { from: lowerBound(this.v6, c.base), to: lowerBound(this.v6, cidrLast(c) + 1n), owners: this.v6Endpoint };
  }

  /**
   * The endpoints whose deciding address of some family is in one of `cidrs` and in none of
   * `except` (NetsAtom's answer other than '00'), ascending, with the families that are.
   * The cost goes with the addresses inside the CIDRs, not with every endpoint.
   */
  inside(cidrs: readonly Cidr[], except: readonly Cidr[]): InsideEndpoints {
    const scratch = this.scratch;
    const touched: number[] = [];
    for (const c of cidrs) {
      const bit = c.family === 4 ? 1 : 2;
      const { from, to, owners } = this.span(c);
      for (let k = from; k < to; k++) {
        const e = owners[k];
        if (scratch[e] === 0) touched.push(e);
        scratch[e] |= bit;
      }
    }
    for (const c of except) {
      const clear = c.family === 4 ? ~1 : ~2;
      const { from, to, owners } = this.span(c);
      for (let k = from; k < to; k++) scratch[owners[k]] &= clear;
    }
    touched.sort((a, b) => a - b);
    const at: number[] = [];
    const bits: number[] = [];
    for (const e of touched) {
      if (scratch[e] !== 0) {
        at.push(e);
        bits.push(scratch[e]);
      }
      scratch[e] = 0;
    }
    return { at, bits };
  }
}
