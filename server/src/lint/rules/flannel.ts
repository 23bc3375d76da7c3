/**
 * Rules whose findings the network stage produces while it reads flannel's
 * configuration and assigns addresses: documented here so every finding id
 * has docs and SARIF metadata. Findings inside net-conf.json point at the
 * JSON token, also when the JSON sits in a ConfigMap's block string.
 */
import type { LintRule } from '../rule';

export const flannelRules: readonly LintRule[] = [
  {
    id: 'flannel-config-syntax',
    severity: 'error',
    title: "flannel's net-conf.json (or the CNI configuration it installs) is not valid JSON.",
    docs: "flanneld parses net-conf.json with Go's encoding/json and exits on a syntax error; the kubelet cannot load a broken CNI configuration, so no pod on the node gets a network. JSON has no comments, no trailing commas and only double-quoted strings. The finding points at the character where parsing stopped.",
  },
  {
    id: 'flannel-config-unknown-field',
    severity: 'warning',
    title: 'net-conf.json has a key flannel does not read.',
    docs: 'flannel decodes net-conf.json into its Config struct: keys match field names regardless of case, and anything else is dropped without a word. A misspelled `SubnetLenght` or `backend-type` therefore has no effect; the message suggests the field you probably meant. `Networks` and `IPv6Networks` are filled by flannel itself and any value given is discarded.',
  },
  {
    id: 'flannel-config-invalid',
    severity: 'error',
    title: 'A net-conf.json value flanneld rejects, or a required field is missing.',
    docs: 'Mirrors flannel\'s ParseConfig and CheckNetworkConfig (pkg/subnet/config.go): a value of the wrong type (`"SubnetLen": "24"`), a CIDR that does not parse or belongs in the other family\'s field, a missing `Network` while IPv4 is enabled, a network smaller than /28 (/124 for IPv6), SubnetLen longer than /30 or too short to give four subnets. flanneld does not start with such a configuration; the simulation carries on with the default for the rejected field. Also reported: a key given twice (the later one wins) and both families disabled.',
  },
  {
    id: 'flannel-subnet-range',
    severity: 'error',
    title: 'SubnetMin or SubnetMax is outside the network or not on a SubnetLen boundary.',
    docs: 'When flannel leases subnets itself (etcd), SubnetMin and SubnetMax must lie inside `Network` and be aligned to the subnet size, or flanneld fails ("SubnetMin is not in the range of the Network", "… is not on a SubnetLen boundary"). The message names the nearest aligned addresses. SubnetMin after SubnetMax leaves nothing to lease.',
  },
  {
    id: 'flannel-ignored-setting',
    severity: 'warning',
    title: 'A flannel setting has no effect in this set-up.',
    docs: 'Under the kube subnet manager (`flanneld --kube-subnet-mgr`, as kube-flannel.yml and Canal run it) each node\'s subnet is its `spec.podCIDR`, allocated by kube-controller-manager (`--cluster-cidr`, `--node-cidr-mask-size`); `SubnetLen`, `SubnetMin` and `SubnetMax` (and their IPv6 forms) are ignored. IPv6 settings are ignored without `"EnableIPv6": true`. With etcd, flannel leases subnets itself and node podCIDRs are not used.',
  },
  {
    id: 'flannel-network-capacity',
    severity: 'error',
    title: 'The pod network has fewer node subnets than there are nodes.',
    docs: 'Every node needs its own subnet. A /16 network with /24 subnets holds 256 (flannel leases 255 of them, from SubnetMin); nodes beyond that get no subnet, flanneld there cannot start, and their pods get no address. Use a larger network or, with etcd, a longer SubnetLen.',
  },
  {
    id: 'flannel-subnet-capacity',
    severity: 'warning',
    title: 'A node subnet is too small for the pods placed on the node.',
    docs: 'host-local hands out pod addresses from `.2` to the last address before the broadcast address (a /24 holds 253 pods). Pods beyond that stay in ContainerCreating with "no IP addresses available in range set". Reported at what decides the subnet size: the node\'s podCIDR, SubnetLen, or Network. An info-level note says when subnets hold fewer than the kubelet\'s default maxPods (110).',
  },
  {
    id: 'flannel-podcidr-outside-network',
    severity: 'error',
    title: "A node's podCIDR lies outside flannel's network.",
    docs: "Under the kube subnet manager flannel takes each node's `spec.podCIDR` and exits when `Network` does not contain it (\"subnet … specified in the flannel net config doesn't contain … PodCIDR of the … node\"). Make `Network` match kube-controller-manager's `--cluster-cidr` (kubeadm: `--pod-network-cidr`). Without a flannel configuration in the workspace, this is a note that the assumed pod network is probably not the cluster's.",
  },
  {
    id: 'flannel-network-overlap',
    severity: 'error',
    title: 'The pod network overlaps Service addresses or node addresses.',
    docs: 'Traffic from pods to an address inside the pod network is routed into the overlay: a Service range (`--service-cluster-ip-range`, kubeadm `serviceSubnet`), a Service clusterIP or a node address inside `Network` becomes unreachable or misrouted. Pick a pod network that overlaps neither (kubeadm defaults: pods 10.244.0.0/16 for flannel, Services 10.96.0.0/12).',
  },
  {
    id: 'flannel-cluster-cidr-mismatch',
    severity: 'warning',
    title: "flannel's network does not cover the cluster CIDR node podCIDRs come from.",
    docs: "kube-controller-manager allocates node podCIDRs from `--cluster-cidr` (kubeadm `podSubnet`). When flannel's `Network` does not cover that range, flannel fails on every node whose podCIDR falls outside it. Canal's install guide requires the two to match.",
  },
  {
    id: 'flannel-backend',
    severity: 'error',
    title: "A mistake in net-conf.json's Backend.",
    docs: "The backend type must be one flannel has (vxlan, host-gw, wireguard, udp, ipip, ipsec, alloc, extension, tencent-vpc; the name is not case-sensitive), and its options must be ones that backend reads, with valid values: VXLAN VNI (24 bits) and ports, WireGuard Mode (separate, auto, ipv4, ipv6) and key, the ipsec PSK (at least 96 characters), an MTU that leaves pods at least 68 bytes (1280 with IPv6). Without `Backend` flannel's code runs udp, a debugging backend. Dual-stack needs vxlan, wireguard or host-gw. Canal's `veth_mtu` larger than what the backend carries is reported too.",
  },
  {
    id: 'flannel-config-conflict',
    severity: 'warning',
    title: 'More than one flannel configuration is in the workspace.',
    docs: 'A cluster runs one flannel. The simulation uses the first of: ConfigMap kube-flannel/kube-flannel-cfg, kube-system/kube-flannel-cfg, kube-system/canal-config, then net-conf.json files in path order, and reports the others as ignored.',
  },
  {
    id: 'flannel-lease',
    severity: 'warning',
    title: 'A problem in an exported flannel lease list.',
    docs: 'Lease exports (`flannel-leases.txt` / `.json`: `etcdctl get --prefix /coreos.com/network/subnets/` output, its `-w json` form, or a list of {"subnet", "node" or "publicIP"}) pin node subnets when flannel keeps its state in etcd. Reported: lines that are not leases, leases matching no node (their subnets stay taken), a node with two leases, and lease exports under the kube subnet manager (where they are not used).',
  },
  {
    id: 'flannel-subnet-overlap',
    severity: 'error',
    title: "Two nodes' subnets overlap.",
    docs: 'Each node must have its own pod subnet; overlapping podCIDRs or leases give pods on two nodes clashing addresses.',
  },
  {
    id: 'flannel-cni-config',
    severity: 'warning',
    title: 'The CNI configuration flannel installs would not give pods their flannel addresses.',
    docs: 'kube-flannel-cfg\'s `cni-conf.json` must run the flannel plugin (which hands the node\'s flannel subnet to a bridge with host-local IPAM); Canal\'s `cni_network_config` must run the calico plugin with host-local IPAM on `"subnet": "usePodCidr"`. Other IPAM (calico-ipam, a fixed subnet) hands out addresses flannel does not route, and the simulated addresses would not match.',
  },
  {
    id: 'flannel-pod-ip',
    severity: 'warning',
    title: "A pod's recorded address contradicts the rest of the manifests.",
    docs: "status.podIP(s) always win in the simulation. Reported when two pods record the same address, or a pod's address lies outside its node's podCIDR or lease (usually manifests dumped at different times).",
  },
];
