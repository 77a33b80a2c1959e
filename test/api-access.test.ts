// Opt-in API access through the Workload base: a Role of exactly the rules, its binding, a token and API egress.
import { ResilientMicroservice, ScheduledJob } from '../lib';
import { validateApp } from '../lib/synthesis';
import { findObject, podSpecOf, synth, testPlatform } from './support/objects';

const LEASES = { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'update', 'create'] as const };

describe('apiAccess', () => {
  test('a Role of the rules, bound to the workload\'s ServiceAccount, a token in its pods and egress to the API server only', () => {
    // given
    const { app, platform } = testPlatform({ apiServer: { cidrs: ['10.0.0.2/32'], port: 6443 } });
    // when
    new ResilientMicroservice(platform, 'scheduler', { image: 'registry.example.com/scheduler:1.0.0', apiAccess: [LEASES] });
    new ResilientMicroservice(platform, 'plain', { image: 'registry.example.com/plain:1.0.0' });
    const objects = synth(platform);
    // then
    expect(findObject(objects, 'Role', 'scheduler').rules).toEqual([{ apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create', 'get', 'update'] }]);
    expect(findObject(objects, 'RoleBinding', 'scheduler')).toMatchObject({
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'scheduler' },
      subjects: [{ kind: 'ServiceAccount', name: 'scheduler', namespace: 'shop' }],
    });
    expect(podSpecOf(findObject(objects, 'Deployment', 'scheduler')).automountServiceAccountToken).toBe(true);
    expect(podSpecOf(findObject(objects, 'Deployment', 'plain')).automountServiceAccountToken).toBe(false);
    expect(findObject(objects, 'NetworkPolicy', 'scheduler').spec.egress).toContainEqual({ to: [{ ipBlock: { cidr: '10.0.0.2/32' } }], ports: [{ port: 6443, protocol: 'TCP' }] });
    expect(JSON.stringify(findObject(objects, 'NetworkPolicy', 'plain').spec.egress)).not.toContain('10.0.0.2');
    const { report } = validateApp(app);
    expect(report.errors).toEqual([]);
    expect(report.warnings.filter((w) => w.ruleId === 'policy/service-account-token')).toEqual([]);
  });

  test('least privilege: wildcards, escalating verbs, unnamed Secrets and a missing API server are refused', () => {
    const { platform } = testPlatform({ apiServer: { cidrs: ['10.0.0.2/32'] } });
    const svc = (id: string, apiAccess: any) => new ResilientMicroservice(platform, id, { image: 'registry.example.com/x:1.0.0', apiAccess });
    expect(() => svc('a', [{ resources: ['*'], verbs: ['get'] }])).toThrow('[shop/a] apiAccess[0].resources ("*") must be a resource\'s plural name');
    expect(() => svc('b', [{ resources: ['pods'], verbs: ['escalate'] }])).toThrow('apiAccess[0].verbs ("escalate") must be one of get, list, watch');
    expect(() => svc('c', [{ resources: ['secrets'], verbs: ['get'] }])).toThrow('apiAccess[0].resourceNames (undefined) must name the Secrets');
    expect(() => svc('d', [])).toThrow('apiAccess ([]) must hold at least one rule');
    const { platform: bare } = testPlatform();
    expect(() => new ScheduledJob(bare, 'job', { image: 'registry.example.com/job:1.0.0', schedule: '@daily', apiAccess: [LEASES] } as any))
      .toThrow('[shop/job] apiAccess (1) needs the API server\'s endpoints to allow egress to: set the Platform\'s apiServer');
    expect(() => testPlatform({ apiServer: { cidrs: ['10.0.0.0/8'] } })).toThrow('[shop] apiServer.cidrs ("10.0.0.0/8") must name the endpoints closely');
  });
});
