import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { awsDev, awsProd, gcpProd } from '../helpers/environments';
import { formatProblem, validateEnvironment } from '../../src/config';
import { platformChartValues } from '../../src/constructs/baseline/policies';
import { BASELINE_NAMESPACES, resolveBaselineSettings } from '../../src/constructs/baseline/settings';
import { EGRESS_GATEWAY } from '../../src/constructs/baseline/egress-gateway';
import { ISTIO_RESERVED_PORTS } from '../../src/constructs/baseline/egress-rules';
import { fakeContract, GIT_OPS, MIRROR, REGISTRIES } from '../constructs/baseline/fake-contract';

const problemsOf = (raw: unknown): string[] => validateEnvironment(raw).problems.map(formatProblem);
const CARD = { name: 'card-network', host: 'api.card-network.example.com', port: 443, protocol: 'TLS', namespaces: ['payments'] };
const withDestinations = (base: object, destinations: unknown[]): Record<string, unknown> => ({ ...structuredClone(base), egress: { destinations } });

describe('egress destinations in the environment config', () => {
  it('defaults to none and keeps the reference destinations', () => {
    const withoutEgress = structuredClone(awsDev) as unknown as Record<string, unknown>;
    delete withoutEgress.egress;
    expect(validateEnvironment(withoutEgress).config?.egress).toEqual({ destinations: [] });
    expect(awsProd.egress.destinations.map((d) => `${d.host}:${d.port}`)).toEqual(['api.card-network.example.com:443', 'scoring.fraud-provider.example.net:8443']);
  });

  it('defaults the protocol to TLS', () => {
    const noProtocol: Record<string, unknown> = { ...CARD };
    delete noProtocol.protocol;
    expect(validateEnvironment(withDestinations(awsDev, [noProtocol])).config?.egress.destinations[0].protocol).toBe('TLS');
  });

  it.each([
    ['a wildcard host', { ...CARD, host: '*.example.com' }, /\[aws\/dev\] egress\.destinations\[0\]\.host: got "\*\.example\.com"; allowed: a fully qualified DNS name/],
    ['an IP address', { ...CARD, host: '203.0.113.10' }, /egress\.destinations\[0\]\.host: got "203\.0\.113\.10"; allowed: a fully qualified DNS name/],
    ['an in-cluster name', { ...CARD, host: 'ledger.payments.svc.cluster.local' }, /egress\.destinations\[0\]\.host: got "ledger\.payments\.svc\.cluster\.local"; allowed: a fully qualified DNS name/],
    ["one of Istio's ports", { ...CARD, port: 15001 }, /egress\.destinations\[0\]\.port: got 15001; allowed: a TCP port from 1 to 65535 outside Istio's own 15000-15099/],
    ['a port out of range', { ...CARD, port: 70000 }, /egress\.destinations\[0\]\.port: got 70000; allowed: a TCP port/],
    ['plaintext', { ...CARD, protocol: 'HTTP' }, /egress\.destinations\[0\]\.protocol: got "HTTP"; allowed: one of "TLS", "HTTPS"/],
    ['no namespace', { ...CARD, namespaces: [] }, /egress\.destinations\[0\]\.namespaces: got \[\]; allowed: at least one namespace/],
    ['the control plane namespace', { ...CARD, namespaces: ['istio-system'] }, /egress\.destinations\[0\]\.namespaces\[0\]: got "istio-system"; allowed: a namespace name \(DNS label\) other than the control plane and gateway namespaces/],
    ['a namespace twice', { ...CARD, namespaces: ['payments', 'payments'] }, /egress\.destinations\[0\]\.namespaces\[1\]: got "payments"; allowed: each namespace once/],
    ['a bad name', { ...CARD, name: 'Card_Network' }, /egress\.destinations\[0\]\.name: got "Card_Network"; allowed: a DNS label/],
    ['an unknown field', { ...CARD, sni: 'x' }, /egress\.destinations\[0\]\.sni: got "x"; allowed: /],
  ])('rejects %s', (_what, destination, message) => {
    expect(problemsOf(withDestinations(awsDev, [destination])).join('\n')).toMatch(message);
  });

  it('rejects a name or a host:port used twice, naming the first', () => {
    const problems = problemsOf(withDestinations(gcpProd, [CARD, { ...CARD, namespaces: ['payments-batch'] }])).join('\n');
    expect(problems).toMatch(/\[gcp\/prod\] egress\.destinations\[1\]\.name: got "card-network"; allowed: a name used once \(destinations\[0\] has it\)/);
    expect(problems).toMatch(/egress\.destinations\[1\]\.host: got "api\.card-network\.example\.com:443"; allowed: each host and port once \(destinations\[0\] declares it\)/);
  });

  it('accepts the same host on another port', () => {
    expect(problemsOf(withDestinations(awsDev, [CARD, { ...CARD, name: 'card-network-alt', port: 8443 }]))).toEqual([]);
  });
});

describe('egress gateway values of the platform chart', () => {
  const settings = (destinations: unknown[]) =>
    resolveBaselineSettings({
      cluster: fakeContract('aws'),
      allowedRegistries: REGISTRIES,
      imageMirror: MIRROR,
      gitOps: GIT_OPS,
      egressDestinations: destinations as never,
    });

  it('carries the mirrored proxy, the security pool and the destinations', () => {
    const s = settings([CARD]);
    const values = platformChartValues(s.vaultTlsSecretName, s.sso, { imageMirror: s.imageMirror, sizing: 'minimal', destinations: s.egressDestinations }).egressGateway;
    expect(values).toEqual({
      enabled: true,
      namespace: 'istio-egress',
      name: 'istio-egressgateway',
      replicas: 2,
      image: `${MIRROR}/istio/proxyv2:1.30.3`,
      resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '512Mi' } },
      nodeSelector: { workload: 'security' },
      tolerations: [{ key: 'workload', operator: 'Equal', value: 'security', effect: 'NoSchedule' }],
      destinations: [CARD],
    });
  });

  it('refuses a bad destination from a library user, naming the field', () => {
    expect(() => settings([{ ...CARD, port: 15021 }])).toThrow("egressDestinations[0].port must be a TCP port from 1 to 65535 outside Istio's own 15000-15099, got 15021");
    expect(() => settings([CARD, CARD])).toThrow('egressDestinations[1].name must be a name used once (destinations[0] has it), got "card-network"');
  });
});

type PolicyJson = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const policyFile = (...path: string[]): PolicyJson => parse(readFileSync(resolve(__dirname, '../../policies', ...path), 'utf8')) as PolicyJson;
const rule = (name: string, ruleName: string): PolicyJson => (policyFile(name, 'policy.yaml').spec.rules as PolicyJson[]).find((r) => r.name === ruleName)!;

describe('the Kyverno egress policies agree with the code', () => {
  it('restrict-egress-bypass lets classified namespaces keep ipBlock egress only in the system and platform namespaces', () => {
    const excluded = rule('restrict-egress-bypass', 'classified-egress-stays-in-cluster').exclude.any[0].resources.namespaces as string[];
    expect([...excluded].sort()).toEqual(['kube-system', 'kube-node-lease', 'kube-public', ...Object.values(BASELINE_NAMESPACES)].sort());
    expect(rule('restrict-egress-bypass', 'service-entries-in-egress-namespace').exclude.any[0].resources.namespaces).toContain(EGRESS_GATEWAY.namespace);
  });

  it('generate-default-deny-networkpolicy gives a new meshed namespace istiod and the gateway pods, never Istio\'s own ports', () => {
    const mesh = rule('generate-default-deny-networkpolicy', 'allow-mesh-egress');
    expect(mesh.match.any.map((m: PolicyJson) => m.resources.selector)).toEqual([
      { matchLabels: { 'istio-injection': 'enabled' } },
      { matchExpressions: [{ key: 'istio.io/rev', operator: 'Exists' }] },
    ]);
    expect(mesh.generate).toMatchObject({ synchronize: true, kind: 'NetworkPolicy', name: 'allow-mesh-egress' });
    const [istiod, gateway] = mesh.generate.data.spec.egress as PolicyJson[];
    expect(istiod).toEqual({
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': BASELINE_NAMESPACES.istio } }, podSelector: { matchLabels: { app: 'istiod' } } }],
      ports: [{ protocol: 'TCP', port: 15012 }],
    });
    expect(gateway.to).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': EGRESS_GATEWAY.namespace } }, podSelector: { matchLabels: EGRESS_GATEWAY.podLabels } }]);
    expect(gateway.ports).toEqual([
      { protocol: 'TCP', port: 1, endPort: ISTIO_RESERVED_PORTS.from - 1 },
      { protocol: 'TCP', port: ISTIO_RESERVED_PORTS.to + 1, endPort: 65535 },
    ]);
    // The CLI suite's expected output (which verify-live compares with what Kyverno generates) is the same policy.
    const expected = parseAllDocuments(readFileSync(resolve(__dirname, '../../policies/generate-default-deny-networkpolicy/generated-allow-mesh-egress.yaml'), 'utf8'))[0].toJSON() as PolicyJson;
    expect(expected.spec).toEqual(mesh.generate.data.spec);
  });
});
