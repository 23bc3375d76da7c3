/** The basics of simulated addressing that the engine relies on (the flannel stage has its own detailed tests). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeYaml } from '../helpers';
import { docs, pod } from '../engine/fixtures';

describe('network stage: addresses the engine uses', () => {
  it('keeps status IPs, gives other pods addresses inside their node subnet, and hostNetwork pods their node IP', () => {
    const a = analyzeYaml(
      docs(
        'apiVersion: v1\nkind: Node\nmetadata: {name: a}\nspec: {podCIDR: 10.244.9.0/24}\nstatus: {addresses: [{type: InternalIP, address: 192.168.0.5}]}',
        pod('ns/fixed', { node: 'a', ip: '10.244.9.2' }),
        pod('ns/simulated', { node: 'a' }),
        pod('ns/host', { node: 'a', hostNetwork: true }),
      ),
    );
    const ip = (id: string) => a.addressing.pods.get(id)!.ips.map((x) => x.text);
    assert.deepEqual(ip('ns/fixed'), ['10.244.9.2']);
    assert.deepEqual(ip('ns/simulated'), ['10.244.9.3'], 'skips the address a status IP already holds');
    assert.deepEqual(ip('ns/host'), ['192.168.0.5']);
    assert.equal(a.endpoints.find((e) => e.id === 'ns/host')!.kind, 'host');
  });
});
