// The effective flows to outside the cluster, read back from the reference platforms' NetworkPolicies.
import { ENVIRONMENTS, buildReference, REFERENCE_PLATFORMS } from '../support/platform-assertions';
import { podLabelsByWorkload, portsReaching } from '../support/external-flows';

const PROVIDER = ['198.51.100.20', '203.0.113.9'];
const NEVER = ['169.254.169.254', '169.254.0.1', 'fd00:ec2::254', '10.0.0.1', '172.20.0.1', '192.168.1.1'];

describe.each(ENVIRONMENTS.map((environment) => ({ environment, name: environment.name })))('in $name', ({ environment }) => {
  test('ecommerce: the payment service reaches its provider\'s blocks on 443 only, and no other pod reaches them', () => {
    const { objects } = buildReference(REFERENCE_PLATFORMS.find((p) => p.name === 'ecommerce')!, environment);
    const pods = podLabelsByWorkload(objects);
    for (const address of PROVIDER) {
      expect(portsReaching(objects, pods['Deployment/payment-service'], address)).toEqual(['TCP/443']);
      for (const [workload, labels] of Object.entries(pods)) {
        if (workload !== 'Deployment/payment-service') expect([workload, portsReaching(objects, labels, address)]).toEqual([workload, []]);
      }
    }
    expect(portsReaching(objects, pods['Deployment/payment-service'], '198.51.101.1')).toEqual([]);
  });

  test.each(REFERENCE_PLATFORMS.map((p) => [p.name, p] as const))('%s: no pod reaches the metadata address, link-local or cluster ranges (NodeLocal DNS on 53 aside)', (_, reference) => {
    const { objects } = buildReference(reference, environment);
    for (const [workload, labels] of Object.entries(podLabelsByWorkload(objects))) {
      for (const address of NEVER) expect([workload, address, portsReaching(objects, labels, address)]).toEqual([workload, address, []]);
      const nodeLocal = portsReaching(objects, labels, '169.254.20.10');
      expect(nodeLocal).toEqual(reference.name === 'ecommerce' ? ['TCP/53', 'UDP/53'] : []);
    }
  });
});
