/**
 * Every shared ClusterNetworkPolicy case (network-policy-api conformance, Admin and Baseline
 * tiers) through `netpol matrix` (see runner.ts), the diagonal included: a pod's traffic to its
 * own IP is not subject to ClusterNetworkPolicy.
 */
import { runConformance } from './runner';

runConformance('cnp');
