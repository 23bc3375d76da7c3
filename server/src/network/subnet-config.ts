import { bitsOf, type Cidr, cidrContains, formatIp, type IpAddr, type IpFamily, parseCidr } from '../common/ip';
import type { Span } from '../common/source';
import type { JsonField } from '../yaml/json-reader';
import {
  DEFAULT_POD_NETWORK,
  defaultSubnetLen,
  type FlannelNetwork,
  flannelNetwork,
  type SubnetManager,
  subnetSize,
} from './flannel-config';
import { FAMILY_FIELDS, type FamilySettings, type NetConf } from './net-conf';
import type { FindingSink } from '../common/finding-sink';

interface FamilyFields extends FamilySettings {
  readonly family: IpFamily;
  readonly enabled: boolean;
  /** Names as flannel spells them, for messages. */
  readonly names: (typeof FAMILY_FIELDS)[IpFamily];
  /** Smallest network flannel accepts, and the longest subnet. */
  readonly minPrefix: number;
  readonly maxSubnetLen: number;
  /** The configuration's opening `{`: where "missing" findings go. */
  readonly openSpan: Span;
  /** The network field is written (its value may have been rejected). */
  readonly written: boolean;
}

function familyFields(conf: NetConf): FamilyFields[] {
  return [
    {
      ...conf.ipv4,
      family: 4,
      enabled: conf.enableIPv4,
      names: FAMILY_FIELDS[4],
      minPrefix: 28,
      maxSubnetLen: 30,
      openSpan: conf.openSpan,
      written: conf.written.has('Network'),
    },
    {
      ...conf.ipv6,
      family: 6,
      enabled: conf.enableIPv6 && conf.backend.families.includes(6),
      names: FAMILY_FIELDS[6],
      minPrefix: 124,
      maxSubnetLen: 126,
      openSpan: conf.openSpan,
      written: conf.written.has('IPv6Network'),
    },
  ];
}

/** The networks a net-conf.json configures under `mode`, IPv4 first. */
export function resolveNetworks(conf: NetConf, mode: SubnetManager, sink: FindingSink): FlannelNetwork[] {
  const out: FlannelNetwork[] = [];
  if (!conf.enableIPv4 && !conf.enableIPv6) {
    sink.report(
      'flannel-config-invalid',
      'warning',
      'net-conf.json sets both EnableIPv4 and EnableIPv6 to false: flannel configures ' +
        'no pod network, so pods get no addresses.',
      conf.openSpan,
    );
  }
  for (const f of familyFields(conf)) {
    if (!f.enabled) {
      const written: { key: string; keySpan: Span }[] = [f.network, f.subnetLen, f.subnetMin, f.subnetMax].filter(
        (x) => x !== undefined,
      );
      const why =
        f.family === 6 && conf.enableIPv6
          ? `the ${conf.backend.type} backend carries IPv4 only`
          : `${f.names.enable} is ${f.family === 4 ? 'false' : 'not true'}`;
      for (const w of written)
        sink.report(
          'flannel-ignored-setting',
          'warning',
          `net-conf.json: \`${w.key}\` is ignored because ${why}.`,
          w.keySpan,
        );
      continue;
    }
    const net = resolveFamily(f, mode, sink);
    if (net) out.push(net);
  }
  return out;
}

function resolveFamily(f: FamilyFields, mode: SubnetManager, sink: FindingSink): FlannelNetwork | undefined {
  const fallback = f.family === 4 ? (parseCidr(DEFAULT_POD_NETWORK) as Cidr) : (parseCidr('fd00:10:244::/56') as Cidr);
  let network = f.network?.value;
  if (!f.network && f.written) {
    network = fallback; // written but rejected: the finding at the value says so
  } else if (!f.network) {
    sink.report(
      'flannel-config-invalid',
      'error',
      `net-conf.json has no \`${f.names.network}\` although ${f.names.enable} is ` +
        `${f.family === 4 ? 'true (the default)' : 'true'}; flanneld fails with "please ` +
        `define a correct ${f.names.network} parameter in the flannel config". Simulated ` +
        `with ${fallback.text}.`,
      f.openSpan,
    );
    network = fallback;
  } else if (network && network.prefix === 0) {
    sink.report(
      'flannel-config-invalid',
      'error',
      `net-conf.json: \`${f.network.key}\` ${network.text} covers every address; ` +
        `flanneld treats it as unset ("please define a correct ${f.names.network} ` +
        `parameter"). Simulated with ${fallback.text}.`,
      f.network.valueSpan,
    );
    network = fallback;
  }
  if (!network) return undefined;

  if (mode === 'kube') {
    if (network.prefix > f.minPrefix) {
      sink.report(
        'flannel-config-invalid',
        'error',
        `net-conf.json: \`${f.network!.key}\` ${network.text} is too small for a pod ` +
          `network (flannel's own minimum is /${f.minPrefix}): node podCIDRs ` +
          `(/${f.family === 4 ? 24 : 64} by default) cannot fit in it, and flannel fails ` +
          `on every node whose podCIDR it does not contain. Simulated with ${fallback.text}.`,
        f.network!.valueSpan,
      );
      network = fallback;
    }
    for (const w of [f.subnetLen, f.subnetMin, f.subnetMax]) {
      if (!w) continue;
      sink.report(
        'flannel-ignored-setting',
        'warning',
        `net-conf.json: \`${w.key}\` is ignored under the kube subnet manager (flanneld ` +
          `--kube-subnet-mgr, as kube-flannel.yml and Canal run it): each node's subnet is ` +
          `its spec.podCIDR, which kube-controller-manager allocates from --cluster-cidr ` +
          `in --node-cidr-mask-size blocks (default /${f.family === 4 ? 24 : 64}).`,
        w.keySpan,
      );
    }
    return {
      ...flannelNetwork(network, Math.min(defaultSubnetLen(network), bitsOf(f.family))),
      spans: { network: networkSpan(f, network) },
    };
  }

  // etcd: flannel leases subnets itself, after CheckNetworkConfig.
  let subnetLen: number;
  if (f.subnetLen && f.subnetLen.value > 0) {
    subnetLen = f.subnetLen.value;
    if (subnetLen > f.maxSubnetLen) {
      sink.report(
        'flannel-config-invalid',
        'error',
        `net-conf.json: \`${f.subnetLen.key}\` ${subnetLen} is too long; flanneld fails ` +
          `with "SubnetLen must be less than /${f.maxSubnetLen + 1}" (each node needs room ` +
          `for the tunnel and bridge addresses and pods).`,
        f.subnetLen.valueSpan,
      );
      subnetLen = defaultLenOrClamp(network, f);
    } else if (subnetLen < network.prefix + 2) {
      sink.report(
        'flannel-config-invalid',
        'error',
        `net-conf.json: \`${f.subnetLen.key}\` /${subnetLen} in a /${network.prefix} ` +
          `network leaves fewer than four subnets; flanneld fails with "network must be ` +
          `able to accommodate at least four subnets". Use /${network.prefix + 2} or longer.`,
        f.subnetLen.valueSpan,
      );
      subnetLen = defaultLenOrClamp(network, f);
    }
  } else if (network.prefix > f.minPrefix) {
    sink.report(
      'flannel-config-invalid',
      'error',
      `net-conf.json: \`${f.network!.key}\` ${network.text} is too small; flanneld ` +
        `fails with "${f.family === 4 ? 'network' : 'IPv6Network'} is too small. Minimum ` +
        `useful network prefix is /${f.minPrefix}". Simulated with ${fallback.text}.`,
      f.network!.valueSpan,
    );
    network = fallback;
    subnetLen = defaultSubnetLen(network);
  } else {
    subnetLen = defaultSubnetLen(network);
  }
  const size = subnetSize(f.family, subnetLen);
  const defaults = flannelNetwork(network, subnetLen);
  const bound = (field: JsonField<IpAddr> | undefined, name: string, fallbackValue: bigint): bigint => {
    if (!field) return fallbackValue;
    const ip = field.value;
    if (!cidrContains(network!, ip)) {
      sink.report(
        'flannel-subnet-range',
        'error',
        `net-conf.json: \`${field.key}\` ${ip.text} is outside ${f.names.network} ` +
          `${network!.text}; flanneld fails with "${name} is not in the range of the ${f.names.network}".`,
        field.valueSpan,
      );
      return fallbackValue;
    }
    if (ip.value % size !== 0n) {
      const down = ip.value - (ip.value % size);
      const up = down + size;
      const fmt = (v: bigint) => formatIp(f.family, v);
      sink.report(
        'flannel-subnet-range',
        'error',
        `net-conf.json: \`${field.key}\` ${ip.text} is not on a /${subnetLen} boundary; ` +
          `flanneld fails with "${name} is not on a SubnetLen boundary". The nearest are ` +
          `${fmt(down)} and ${fmt(up)}.`,
        field.valueSpan,
      );
      return fallbackValue;
    }
    return ip.value;
  };
  const min = bound(f.subnetMin, f.names.min, defaults.subnetMin);
  const max = bound(f.subnetMax, f.names.max, defaults.subnetMax);
  if (min > max && f.subnetMin && f.subnetMax) {
    sink.report(
      'flannel-subnet-range',
      'error',
      `net-conf.json: \`${f.subnetMin.key}\` ${f.subnetMin.value.text} is after ` +
        `\`${f.subnetMax.key}\` ${f.subnetMax.value.text}, so flannel has no subnet to lease.`,
      f.subnetMin.valueSpan,
    );
  }
  const spans = {
    network: networkSpan(f, network),
    subnetLen: f.subnetLen && f.subnetLen.value === subnetLen ? f.subnetLen.valueSpan : undefined,
    subnetMin: f.subnetMin && f.subnetMin.value.value === min ? f.subnetMin.valueSpan : undefined,
    subnetMax: f.subnetMax && f.subnetMax.value.value === max ? f.subnetMax.valueSpan : undefined,
  };
  return { ...flannelNetwork(network, subnetLen, min, max), spans };
}

/** The Network value's span when the network in effect is the one written. */
function networkSpan(f: FamilyFields, network: Cidr): Span | undefined {
  return f.network && f.network.value.text === network.text ? f.network.valueSpan : undefined;
}

function defaultLenOrClamp(network: Cidr, f: FamilyFields): number {
  return Math.min(defaultSubnetLen(network), f.maxSubnetLen);
}
