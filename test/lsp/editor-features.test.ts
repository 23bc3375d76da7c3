/**
 * The editor features over stdio on examples/, as VS Code drives them:
 * hovers, inlay hints, CodeLens, commands, completion, navigation, document
 * symbols, and edits in sequence (hovers and lenses follow the text).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import type {
  CodeLens,
  CompletionItem,
  DocumentSymbol,
  Hover,
  InlayHint,
  Location,
  MarkupContent,
} from 'vscode-languageserver-protocol';
import { ROOT, yaml } from '../helpers';
import { TestClient } from './client';

const EXAMPLES = join(ROOT, 'examples');
const uriOf = (rel: string) => pathToFileURL(join(EXAMPLES, rel)).toString();
const POLICIES = uriOf('shop/network-policies.yaml');
const WORKLOADS = uriOf('shop/workloads.yaml');
const PLATFORM = uriOf('cluster/calico-platform.yaml');

describe('lsp: editor features on examples/', () => {
  let client: TestClient;
  const request = <T>(method: string, params: unknown) => client.connection.sendRequest(method, params) as Promise<T>;
  const hover = async (uri: string, line: number, character: number) => {
    const h = await request<Hover | null>('textDocument/hover', {
      textDocument: { uri },
      position: { line, character },
    });
    return h ? (h.contents as MarkupContent).value : '';
  };
  const hints = (uri: string) =>
    request<InlayHint[]>('textDocument/inlayHint', {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 500, character: 0 } },
    });
  const lenses = (uri: string) => request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
  const execute = <T>(command: string, arg: unknown) =>
    request<T>('workspace/executeCommand', { command, arguments: [arg] });
  const complete = async (uri: string, line: number, character: number) =>
    (
      await request<CompletionItem[]>('textDocument/completion', {
        textDocument: { uri },
        position: { line, character },
      })
    ).map((i) => i.label);

  before(async () => {
    client = new TestClient();
    await client.initialize(EXAMPLES);
    await client.diagnostics(POLICIES, () => true);
  });
  after(async () => client.stop());

  it('announces the features', async () => {
    const c = new TestClient();
    try {
      const r = (await c.initialize(EXAMPLES)) as { capabilities: Record<string, unknown> };
      for (const cap of [
        'hoverProvider',
        'inlayHintProvider',
        'codeLensProvider',
        'completionProvider',
        'definitionProvider',
        'referencesProvider',
        'documentSymbolProvider',
        'executeCommandProvider',
      ])
        assert.ok(r.capabilities[cap], cap);
    } finally {
      await c.stop();
    }
  });

  it('hovers a podSelector: the pods it selects, grouped by workload, and the directions it isolates', async () => {
    const text = await hover(POLICIES, 42, 8); // api-from-frontend: `app: api`
    assert.match(text, /^\*\*selects 2 pods of Deployment shop\/api: api-0, api-1\*\*/);
    assert.match(text, /isolates ingress of 2 pods/);
  });

  it('hovers a rule and a peer: who it admits, on which ports, and whether something overrides it', async () => {
    const rule = await hover(POLICIES, 49, 6); // api-from-frontend's `ports:`
    assert.match(rule, /admits 2 pods of Deployment shop\/frontend: frontend-0, frontend-1 on TCP 8000/);
    assert.match(rule, /No earlier rule or tier overrides it/);
    const peer = await hover(POLICIES, 28, 8); // frontend-from-ingress's peer podSelector
    assert.match(peer, /admits 2 pods of Deployment ingress-nginx\/ingress-nginx-controller/);
    assert.match(peer, /on TCP 8080/);
    const calicoPass = await hover(PLATFORM, 27, 10);
    assert.match(calicoPass, /passes on/);
    assert.match(calicoPass, /Overridden for some of them: .*allows first/);
  });

  it('hovers a namespaceSelector, a CIDR, a Calico selector and a workload', async () => {
    assert.match(await hover(POLICIES, 26, 10), /matches 1 namespace: ingress-nginx/);
    const cidr = await hover(PLATFORM, 26, 10);
    assert.match(cidr, /169\.254\.169\.254\/32 covers no pod/);
    assert.match(cidr, /Includes the cloud metadata address/);
    const sel = await hover(PLATFORM, 17, 13);
    assert.match(sel, /selects 13 pods in 4 namespaces/);
    assert.match(sel, /Canonical form: `all\(\)`/);
    const w = await hover(WORKLOADS, 3, 9);
    assert.match(w, /^\*\*Deployment shop\/frontend: 2 pods\*\*/);
    assert.match(w, /frontend-0: 10\.244\.\d+\.\d+ on worker-\w \(subnet 10\.244\.\d+\.0\/24\)/);
    assert.match(
      w,
      /ingress: selected by NetworkPolicy shop\/default-deny-ingress, NetworkPolicy shop\/frontend-from-ingress/,
    );
    assert.match(w, /reachable from \d+ of \d+ workloads · can reach \d+/);
  });

  it('hovers net-conf.json keys in flannel’s ConfigMap: the subnet plan each one leads to', async () => {
    const CANAL = uriOf('cluster/canal-config.yaml');
    const network = await hover(CANAL, 48, 9); // "Network": "10.244.0.0/16"
    assert.match(network, /^\*\*IPv4 network 10\.244\.0\.0\/16: 256 node subnets of \/24, 253 pod addresses each\*\*/);
    assert.match(network, /Subnet manager kube: each node's subnet is its spec\.podCIDR/);
    assert.match(network, /3 nodes with an IPv4 subnet:\n- worker-a: 10\.244\.1\.0\/24 \(podCIDR, \d+ pods\)/);
    // Canal runs flannel with the kube subnet manager: SubnetLen says nothing, the nodes' podCIDRs do.
    const subnetLen = await hover(CANAL, 49, 19); // on the value 25
    assert.match(subnetLen, /^\*\*Not used: with the kube subnet manager each node's subnet is its spec\.podCIDR/);
    assert.match(subnetLen, /- worker-b: 10\.244\.2\.0\/24 \(podCIDR, \d+ pods\)/);
    const type = await hover(CANAL, 51, 10); // "Type": "vxlan"
    assert.match(type, /^\*\*Backend vxlan: pods' MTU \d+ \(link MTU \d+ − 50 bytes of overhead\)\*\*/);
    assert.match(type, /Between nodes: UDP port 8472\./);
    // Between keys: the whole configuration, as before.
    assert.match(await hover(CANAL, 47, 4), /^\*\*flannel: backend vxlan, subnet manager kube\*\*/);
  });

  it('hovers a Service and an intent: who reaches its pods on each port; pass or fail with the failing pairs', async () => {
    const service = await hover(uriOf('shop/services.yaml'), 16, 10); // Service shop/api's name
    assert.match(service, /^\*\*Service shop\/api/);
    assert.match(service, /Deployment shop\/frontend/);
    const INTENTS = uriOf('shop/intents.yaml');
    assert.match(await hover(INTENTS, 13, 12), /^\*\*Intent "frontend-calls-api" passes: 4 pairs connect\*\*/);
    const failing = await hover(INTENTS, 18, 12);
    assert.match(failing, /^\*\*Intent "api-reaches-postgres" fails: 2 of 2 pairs denied\*\*/);
    assert.match(
      failing,
      /- shop\/api-0 → shop\/postgres-0 TCP\/5432\n- shop\/api-1 → shop\/postgres-0 TCP\/5432\n- First: ingress to shop\/postgres-0 denied by tier default/,
    );
  });

  it('shows inlay hints after selectors, peers and policy names', async () => {
    const h = await hints(POLICIES);
    const at = (line: number) => h.find((x) => x.position.line === line)?.label;
    assert.equal(at(9), '→ 7 pods'); // default-deny's podSelector: {}
    assert.equal(at(38), 'isolates 2 pods · admits 1 workload'); // name: api-from-frontend
    assert.equal(at(42), '→ 2 pods');
    assert.equal(at(26), '→ 1 namespace');
    assert.equal(at(61), '→ 0 pods'); // the app: postgress typo
    const line = h.find((x) => x.position.line === 38)!;
    assert.equal(line.position.character, '  name: api-from-frontend'.length);
  });

  it('shows CodeLens above policies and workloads, opening the matrix focused on them, and explain commands', async () => {
    const p = await lenses(POLICIES);
    const titles = p.map((l) => l.command?.title);
    assert.ok(titles.includes('selects 2 pods · admits 1 workload'), titles.join(' | '));
    assert.ok(titles.includes('Explain'));
    assert.equal(p.find((l) => l.command?.title === 'Explain')!.command!.command, 'netpolStudio.explainConnection');
    const w = await lenses(WORKLOADS);
    const api = w.find((l) => l.range.start.line === 26)!;
    assert.match(api.command!.title, /^reachable from \d+ of \d+ workloads · can reach \d+$/);
    assert.equal(api.command!.command, 'netpolStudio.showMatrix');
    assert.deepEqual(api.command!.arguments, [
      { focus: ['Deployment shop/api', 'shop/api-0', 'shop/api-1'], focusLabel: 'Deployment shop/api' },
    ]);
    const policy = p.find(
      (l) => l.command?.title === 'selects 2 pods · admits 1 workload' && l.range.start.line === 35,
    )!;
    assert.equal(policy.command!.command, 'netpolStudio.showMatrix');
    assert.deepEqual(policy.command!.arguments, [
      {
        focus: ['Deployment shop/api', 'shop/api-0', 'shop/api-1'],
        focusLabel: "NetworkPolicy shop/api-from-frontend's pods",
      },
    ]);
  });

  it('explains a connection as Markdown with links to the deciding rules', async () => {
    const r = await execute<{ ok: boolean; markdown: string }>('netpol.server.explain', {
      from: 'shop/frontend-0',
      to: 'shop/api-0',
      port: 'http',
    });
    assert.ok(r.ok);
    assert.match(r.markdown, /shop\/frontend-0 → shop\/api-0 TCP\/8000: ✅ ALLOWED/);
    assert.match(
      r.markdown,
      /\[NetworkPolicy shop\/api-from-frontend, ingress rule 1\]\(file:\/\/.*shop\/network-policies\.yaml#L46\)/,
    );
    const fromOutside = await execute<{ ok: boolean; markdown: string }>('netpol.server.explain', {
      from: '203.0.113.7',
      to: 'shop/postgres-0',
      port: '5432',
    });
    assert.ok(fromOutside.ok, fromOutside.markdown);
    assert.match(fromOutside.markdown, /203\.0\.113\.7 → shop\/postgres-0 TCP\/5432: ⛔ DENIED/);
    const bad = await execute<{ ok: boolean; markdown: string }>('netpol.server.explain', {
      from: 'shop/frontnd-0',
      to: 'shop/api-0',
    });
    assert.equal(bad.ok, false);
    assert.match(bad.markdown, /did you mean "shop\/frontend-0"/);
    const choices = await execute<{ label: string; kind: string }[]>('netpol.server.endpoints', {});
    assert.ok(choices.some((c) => c.label === 'Deployment shop/api' && c.kind === 'workload'));
    assert.ok(choices.some((c) => c.label === 'shop/api-0' && c.kind === 'pod'));
  });

  it('writes a default-deny and a least-privilege policy, and checks the latter keeps what is needed', async () => {
    const deny = await execute<{ ok: boolean; content: string; message: string }>('netpol.server.defaultDeny', {
      uri: WORKLOADS,
      line: 5,
    });
    assert.ok(deny.ok);
    assert.match(
      deny.content,
      /namespace: shop\nspec:\n {2}podSelector: \{\}\n {2}policyTypes:\n {2}- Ingress\n {2}- Egress\n {2}egress:\n {2}- to:\n {4}- namespaceSelector:\n {8}matchLabels:\n {10}kubernetes\.io\/metadata\.name: kube-system\n/,
    );
    assert.match(
      deny.content,
      /\n {4}- protocol: UDP\n {6}port: 53\n {4}- protocol: TCP\n {6}port: 53\n$/,
      'DNS stays allowed',
    );
    assert.match(deny.message, /isolates its \d+ pods/);
    const lp = await execute<{ ok: boolean; content: string; message: string }>('netpol.server.leastPrivilege', {
      uri: WORKLOADS,
      line: 30,
    });
    assert.ok(lp.ok, lp.message);
    assert.match(lp.content, /name: api-least-privilege/);
    assert.match(lp.content, /- from:\n {4}- podSelector:\n {8}matchLabels:\n {10}app: frontend/);
    assert.match(
      lp.message,
      /^Checked: with this policy \(\d+ rules\), every inferred dependency and allow-intent of Deployment shop\/api still holds\.$/,
    );
    const calico = await execute<{ content: string }>('netpol.server.leastPrivilege', {
      workload: 'Deployment shop/api',
      flavor: 'calico',
    });
    assert.match(calico.content, /apiVersion: projectcalico.org\/v3\nkind: NetworkPolicy/);
  });

  it('goes from a selector to the workloads it selects, and from a workload to the policies that name it', async () => {
    const defs = await request<Location[]>('textDocument/definition', {
      textDocument: { uri: POLICIES },
      position: { line: 42, character: 8 },
    });
    assert.deepEqual(
      defs.map((d) => [d.uri, d.range.start.line]),
      [[WORKLOADS, 29]],
    );
    const refs = await request<Location[]>('textDocument/references', {
      textDocument: { uri: WORKLOADS },
      position: { line: 3, character: 9 },
      context: { includeDeclaration: false },
    });
    const inPolicies = refs.filter((r) => r.uri === POLICIES).map((r) => r.range.start.line);
    assert.ok(inPolicies.includes(9), 'the default-deny selects it'); // podSelector: {}
    assert.ok(inPolicies.includes(21), 'frontend-from-ingress selects it');
    assert.ok(inPolicies.includes(45), 'api-from-frontend admits it');
  });

  it('lists document symbols: each object and each policy rule', async () => {
    const symbols = await request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri: POLICIES } });
    const api = symbols.find((s) => s.name === 'shop/api-from-frontend')!;
    assert.equal(api.detail, 'NetworkPolicy');
    assert.deepEqual(
      api.children!.map((c) => c.name),
      ['ingress rule 1'],
    );
    assert.equal(symbols.length, 6);
  });

  it('completes label values, Calico selectors, namespaces, named ports and snippets', async () => {
    const uri = uriOf('shop/draft.yaml');
    const text = yaml`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata:
        name: draft
        namespace: 
      spec:
        podSelector:
          matchLabels:
            app: 
        ingress:
        - ports:
          - port: 
      ---
      apiVersion: projectcalico.org/v3
      kind: NetworkPolicy
      metadata:
        name: draft2
      spec:
        selector: app == '
      ---
      
    `;
    await client.open(uri, text);
    const namespaces = await complete(uri, 4, 13);
    assert.ok(namespaces.includes('shop') && namespaces.includes('payments'), namespaces.join());
    const values = await complete(uri, 8, 11);
    assert.ok(values.includes('api') && values.includes('frontend'), values.join());
    const ports = await complete(uri, 11, 12);
    assert.ok(ports.includes('http') && ports.includes('metrics'), ports.join());
    const calicoValues = await complete(uri, 18, 21);
    assert.ok(calicoValues.includes('api') && !calicoValues.includes('all()'), calicoValues.join());
    const calico = await complete(uri, 18, 12);
    assert.ok(calico.includes('all()') && calico.includes('app') && calico.includes('=='), calico.join());
    const snippets = await complete(uri, 20, 0);
    for (const s of [
      'NetworkPolicy',
      'NetworkPolicy default-deny',
      'Calico NetworkPolicy',
      'Calico GlobalNetworkPolicy',
      'NetworkIntent',
    ])
      assert.ok(snippets.includes(s), s);
  });

  it('follows edits: hovers and lenses change with the text', async () => {
    const uri = uriOf('shop/edited.yaml');
    const policy = (app: string) => yaml`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata:
        name: edited
        namespace: shop
      spec:
        podSelector:
          matchLabels:
            app: ${app}
    `;
    await client.open(uri, policy('api'));
    assert.match(await hover(uri, 8, 8), /selects 2 pods of Deployment shop\/api/);
    assert.equal((await lenses(uri))[0].command!.title, 'selects 2 pods · admits 0 workloads');
    await client.change(uri, policy('redis'), 2);
    assert.match(await hover(uri, 8, 8), /^\*\*selects 1 pod of Deployment shop\/redis: redis-0\*\*/);
    assert.equal((await lenses(uri))[0].command!.title, 'selects 1 pod · admits 0 workloads');
  });

  it('follows edits in sequence: diagnostics, inlay hints, hovers and references track each version', async () => {
    const uri = uriOf('shop/sequence.yaml');
    const REDIS_NAME_LINE = 111; // Deployment shop/redis in workloads.yaml
    const policy = (app: string) => yaml`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata:
        name: sequence
        namespace: shop
      spec:
        podSelector:
          matchLabels:
            app: ${app}
        policyTypes: [Ingress]
    `;
    const hintAt = async (line: number) =>
      (await hints(uri))
        .filter((h) => h.position.line === line)
        .map((h) => (typeof h.label === 'string' ? h.label : h.label.map((p) => p.value).join('')));
    await client.open(uri, policy('api'));
    assert.deepEqual(await hintAt(7), ['→ 2 pods']);
    // A typo: nothing selected, a diagnostic with the closest value, the hint says so.
    await client.change(uri, policy('apii'), 2);
    const typo = await client.diagnostics(uri, (d) => d.some((x) => x.code === 'selector-matches-nothing'));
    assert.match(String(typo.find((x) => x.code === 'selector-matches-nothing')!.message), /Did you mean app=api\?/);
    assert.deepEqual(await hintAt(7), ['→ 0 pods']);
    // Another workload: the hover, the hints and the references from the workload follow.
    await client.change(uri, policy('redis'), 3);
    await client.diagnostics(uri, (d) => !d.some((x) => x.code === 'selector-matches-nothing'));
    assert.deepEqual(await hintAt(7), ['→ 1 pod']);
    assert.match(await hover(uri, 8, 8), /selects 1 pod of Deployment shop\/redis/);
    const refs = await request<Location[]>('textDocument/references', {
      textDocument: { uri: WORKLOADS },
      position: { line: REDIS_NAME_LINE, character: 9 },
      context: { includeDeclaration: false },
    });
    assert.ok(
      refs.some((r) => r.uri === uri),
      'the edited policy now selects redis',
    );
    await client.change(uri, policy('api'), 4);
    assert.deepEqual(await hintAt(7), ['→ 2 pods']);
    const back = await request<Location[]>('textDocument/references', {
      textDocument: { uri: WORKLOADS },
      position: { line: REDIS_NAME_LINE, character: 9 },
      context: { includeDeclaration: false },
    });
    assert.ok(!back.some((r) => r.uri === uri), 'and no longer does');
    await client.change(uri, '# emptied, so the tests after this one see examples/ as it is\n', 5);
  });

  it('turns inlay hints off with netpolStudio.inlayHints.enabled', async () => {
    await client.connection.sendNotification('workspace/didChangeConfiguration', {
      settings: { netpolStudio: { inlayHints: { enabled: false } } },
    });
    assert.deepEqual(await hints(POLICIES), []);
    await client.connection.sendNotification('workspace/didChangeConfiguration', {
      settings: { netpolStudio: { inlayHints: { enabled: true } } },
    });
    assert.ok((await hints(POLICIES)).length > 0);
  });
});
