/**
 * KindReaders for Calico's resources, served as projectcalico.org/v3 and (as
 * stored in the Kubernetes datastore) crd.projectcalico.org/v1.
 */
import type { RMap } from '../../yaml/yaml-reader';
import { readEnum } from '../enums';
import type { ReadMeta } from '../meta';
import { readNetworkPolicy } from '../network-policy';
import { countErrors, readCalicoPolicy } from './read-calico-policy';
import { readNets } from './read-calico-rule';
import {
  type CalicoHostEndpoint,
  type CalicoNetworkSet,
  type CalicoPolicy,
  type CalicoPolicyKind,
  type CalicoTier,
  STAGED_ACTIONS,
  type StagedKubePolicy,
} from './calico-resources';

export const CALICO_GROUPS = ['projectcalico.org', 'crd.projectcalico.org'];

/** What the Calico readers collect (a field of the model's Collected). */
export interface CalicoCollected {
  readonly policies: CalicoPolicy[];
  readonly stagedKubePolicies: StagedKubePolicy[];
  readonly tiers: CalicoTier[];
  readonly networkSets: CalicoNetworkSet[];
  readonly hostEndpoints: CalicoHostEndpoint[];
}

export function emptyCalico(): CalicoCollected {
  return { policies: [], stagedKubePolicies: [], tiers: [], networkSets: [], hostEndpoints: [] };
}

/** The shape of model/kinds.ts's KindReader, over the Calico part of what is collected. */
export interface CalicoKindReader {
  readonly kind: string;
  readonly namespaced: boolean;
  read(obj: RMap, meta: ReadMeta, out: CalicoCollected, errorsBefore: number): void;
}

function policyReader(kind: CalicoPolicyKind, namespaced: boolean): CalicoKindReader {
  return {
    kind,
    namespaced,
    read: (obj, meta, out, errorsBefore) => out.policies.push(readCalicoPolicy(obj, meta, kind, errorsBefore)),
  };
}

function networkSetReader(kind: 'NetworkSet' | 'GlobalNetworkSet', namespaced: boolean): CalicoKindReader {
  return {
    kind,
    namespaced,
    read(obj, meta, out, errorsBefore) {
      obj.checkKeys(['apiVersion', 'kind', 'metadata', 'spec'], `a ${kind}`);
      const spec = obj.map('spec');
      spec?.checkKeys(['nets'], `a ${kind} spec`);
      const nets = spec ? readNets(spec, 'nets') : undefined;
      out.networkSets.push({
        meta,
        global: !namespaced,
        nets: nets?.items ?? [],
        readValid: countErrors(obj) === errorsBefore,
      });
    },
  };
}

export const CALICO_KIND_READERS: readonly CalicoKindReader[] = [
  policyReader('NetworkPolicy', true),
  policyReader('GlobalNetworkPolicy', false),
  policyReader('StagedNetworkPolicy', true),
  policyReader('StagedGlobalNetworkPolicy', false),
  {
    kind: 'StagedKubernetesNetworkPolicy',
    namespaced: true,
    read(obj, meta, out, errorsBefore) {
      const spec = obj.map('spec');
      const stagedAction = spec ? readEnum(spec, 'stagedAction', STAGED_ACTIONS) : undefined;
      out.stagedKubePolicies.push({
        policy: readNetworkPolicy(obj, meta, errorsBefore, ['stagedAction']),
        stagedAction,
      });
    },
  },
  {
    kind: 'Tier',
    namespaced: false,
    read(obj, meta, out, errorsBefore) {
      obj.checkKeys(['apiVersion', 'kind', 'metadata', 'spec', 'status'], 'a Tier');
      const spec = obj.map('spec');
      spec?.checkKeys(['order', 'defaultAction'], 'a Tier spec');
      out.tiers.push({
        meta,
        order: spec?.num('order'),
        defaultAction: spec ? readEnum(spec, 'defaultAction', ['Deny', 'Pass'] as const) : undefined,
        readValid: countErrors(obj) === errorsBefore,
      });
    },
  },
  networkSetReader('NetworkSet', true),
  networkSetReader('GlobalNetworkSet', false),
  { kind: 'HostEndpoint', namespaced: false, read: (_obj, meta, out) => out.hostEndpoints.push({ meta }) },
];
