// Egress to outside the cluster: ExternalService, the Platform's ClusterNetwork excepts, wide peers, the gateway.
import { Chart } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { ApiGateway, ClusterNetwork, ExternalService, ExternalTarget, ResilientMicroservice } from '../../lib';
import { findObject, synth, testPlatform } from '../support/objects';

const IMAGE = 'registry.example.com/svc:1.0.0';
const provider = (props: Partial<Parameters<typeof ExternalService.of>[0]> = {}) => ExternalService.of({
  name: 'payment-provider', host: 'api.pay.example', cidrs: ['203.0.113.0/24'], ports: [{ port: 443 }], ...props,
});
const egressOf = (objects: any[], name: string) => findObject(objects, 'NetworkPolicy', name).spec.egress;

describe('ExternalService through connectTo', () => {
  test('env names the host and first port; egress is the provider block on 443 only', () => {
    // given
    const { platform } = testPlatform();
    const svc = new ResilientMicroservice(platform, 'payments', { image: IMAGE });
    // when
    const vars = svc.connectTo(provider({ ports: [{ port: 443 }, { port: 8443 }] }), { envPrefix: 'PSP_' });
    const objects = synth(platform);
    // then
    expect(vars).toEqual([{ name: 'PSP_PAYMENT_PROVIDER_HOST', value: 'api.pay.example' }, { name: 'PSP_PAYMENT_PROVIDER_PORT', value: '443' }]);
    const env = findObject(objects, 'Deployment', 'payments').spec.template.spec.containers[0].env;
    expect(env).toEqual(expect.arrayContaining(vars));
    expect(egressOf(objects, 'payments')).toContainEqual({
      to: [{ ipBlock: { cidr: '203.0.113.0/24' } }], ports: [{ port: 443, protocol: 'TCP' }, { port: 8443, protocol: 'TCP' }],
    });
  });

  test('allowTo gives the egress without env; a waived 0.0.0.0/0 excepts the private, link-local ranges', () => {
    const { platform } = testPlatform();
    const svc = new ResilientMicroservice(platform, 'mailer', { image: IMAGE });
    svc.allowTo(ExternalService.of({ name: 'smtp', cidrs: ['0.0.0.0/0', '::/0'], ports: [{ port: 587 }], anyAddressWaiver: 'customer SMTP relays vary' }));
    const rule = egressOf(synth(platform), 'mailer').find((r: any) => r.ports[0].port === 587);
    expect(rule.to).toEqual([
      { ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '100.64.0.0/10', '169.254.0.0/16', '172.16.0.0/12', '192.168.0.0/16'] } },
      { ipBlock: { cidr: '::/0', except: ['fc00::/7', 'fe80::/10'] } },
    ]);
    const container = findObject(synth(platform), 'Deployment', 'mailer').spec.template.spec.containers[0];
    expect((container.env ?? []).map((e: any) => e.name)).not.toContain('SMTP_HOST');
  });

  test('a declared ClusterNetwork lets a VPC block through and excepts only the cluster\'s ranges inside it', () => {
    const { platform } = testPlatform({ clusterNetwork: ClusterNetwork.of({ internalCidrs: ['10.0.0.0/14', '10.96.0.0/16'] }) });
    const svc = new ResilientMicroservice(platform, 'reports', { image: IMAGE });
    svc.allowTo(ExternalService.of({ name: 'rds', cidrs: ['10.20.0.0/16'], ports: [{ port: 5432 }] }));
    svc.allowTo(ExternalService.of({ name: 'corp', cidrs: ['10.0.0.0/8'], ports: [{ port: 443 }] }));
    const egress = egressOf(synth(platform), 'reports');
    expect(egress).toContainEqual({ to: [{ ipBlock: { cidr: '10.20.0.0/16' } }], ports: [{ port: 5432, protocol: 'TCP' }] });
    expect(egress).toContainEqual({ to: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.0.0.0/14', '10.96.0.0/16'] } }], ports: [{ port: 443, protocol: 'TCP' }] });
  });

  test.each([
    ['169.254.169.254/32', 'is within the link-local range 169.254.0.0/16'],
    ['fd00:ec2::254/128', 'is within the link-local range fd00:ec2::254/128'],
    ['10.1.0.0/16', 'is within the cluster\'s range 10.0.0.0/8'],
    ['203.0.113.1/24', 'is not in canonical form: write "203.0.113.0/24"'],
  ])('destination %s is refused: %s', (cidr, phrase) => {
    const { platform } = testPlatform();
    const svc = new ResilientMicroservice(platform, 'payments', { image: IMAGE });
    expect(() => svc.connectTo(provider({ cidrs: [cidr] }))).toThrow(`[shop/payments] connectTo(payment-provider).cidrs ("${cidr}") ${phrase}`);
  });

  test('ExternalService.of refuses bad input with what is valid', () => {
    expect(() => provider({ cidrs: ['0.0.0.0/0'] })).toThrow('cidrs ("0.0.0.0/0") opens egress to every address on the Internet');
    expect(() => provider({ cidrs: ['0.0.0.0/0'], anyAddressWaiver: 'short' })).toThrow('give anyAddressWaiver a reason');
    expect(() => provider({ cidrs: [] })).toThrow('[ExternalService.of] cidrs ([]) must list the destination\'s address blocks');
    expect(() => provider({ ports: [] })).toThrow('ports ([]) must list the ports to allow');
    expect(() => provider({ ports: [{ port: 70000 }] })).toThrow('ports (70000) must be an integer from 1 to 65535');
    expect(() => provider({ name: 'Payment Provider' })).toThrow('name ("Payment Provider") must be a DNS-1123 label');
    expect(() => provider({ host: 'https://api.pay.example' })).toThrow('host ("https://api.pay.example") must be a DNS-1123 subdomain');
    expect(() => ClusterNetwork.of({ internalCidrs: ['10.0.0.0'] })).toThrow('[ClusterNetwork.of] internalCidrs ("10.0.0.0") needs a prefix length');
    expect(() => testPlatform({ clusterNetwork: { internal: [] } as any })).toThrow('[shop] clusterNetwork ({"internal":[]}) must be made with ClusterNetwork.privateRanges()');
  });
});

describe('wide peers', () => {
  test('a cdk8s-plus peer selecting a whole namespace is refused unless waived', () => {
    const { app, platform } = testPlatform();
    const svc = new ResilientMicroservice(platform, 'orders', { image: IMAGE });
    const other = new Chart(app, 'other', { namespace: 'other' });
    const everyone = plus.Pods.all(other, 'Everyone');
    expect(() => svc.allowFrom(everyone)).toThrow('[shop/orders] allowFrom ("other/Everyone") selects every pod of a namespace (an empty pod selector)');
    expect(() => svc.allowTo(everyone, [{ port: 80 }])).toThrow('allowTo ("other/Everyone") selects every pod of a namespace');
    svc.allowFrom(everyone, { widePeerWaiver: 'legacy batch tier, ticket OPS-42' });
    const ingress = findObject(synth(platform), 'NetworkPolicy', 'orders').spec.ingress;
    expect(ingress).toContainEqual(expect.objectContaining({ from: [{ podSelector: {} }] }));
  });

  test('a cdk8s-plus peer in every namespace is refused', () => {
    const { app, platform } = testPlatform();
    const svc = new ResilientMicroservice(platform, 'orders', { image: IMAGE });
    const other = new Chart(app, 'other');
    const anywhere = plus.Pods.select(other, 'Anywhere', { labels: { app: 'probe' }, namespaces: plus.Namespaces.all(other, 'All') });
    expect(() => svc.allowFrom(anywhere)).toThrow('selects pods of every namespace (an empty namespace selector)');
  });
});

describe('the gateway\'s external targets', () => {
  test('a named host: egress on its port to every address but the private and link-local ranges', () => {
    const { platform } = testPlatform();
    const gateway = new ApiGateway(platform, 'gateway', { hosts: ['shop.example.com'], routes: [{ path: '/pay/', to: ExternalTarget.host('api.pay.example', 443) }] });
    const rule = egressOf(synth(platform), gateway.workloadName).find((r: any) => r.ports[0].port === 443 && r.to[0].ipBlock);
    expect(rule.to).toEqual([{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '100.64.0.0/10', '169.254.0.0/16', '172.16.0.0/12', '192.168.0.0/16'] } }]);
  });

  test('an address: that address only; the metadata address is refused', () => {
    const { platform } = testPlatform();
    const gateway = new ApiGateway(platform, 'gateway', { hosts: ['shop.example.com'], routes: [{ path: '/a/', to: ExternalTarget.host('198.51.100.7', 443) }] });
    expect(egressOf(synth(platform), gateway.workloadName)).toContainEqual({ to: [{ ipBlock: { cidr: '198.51.100.7/32' } }], ports: [{ port: 443, protocol: 'TCP' }] });
    const { platform: other } = testPlatform();
    expect(() => new ApiGateway(other, 'gateway', { hosts: ['shop.example.com'], routes: [{ path: '/m/', to: ExternalTarget.host('169.254.169.254', 80) }] }))
      .toThrow('routes[0].to.hostname ("169.254.169.254/32") is within the link-local range 169.254.0.0/16');
  });
});
