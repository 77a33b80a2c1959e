// ApiGateway's dns and trustedProxies props: defaults, the container command they choose, and their errors.
import { Duration } from 'cdk8s';
import { ApiGateway, ApiGatewayProps, ExternalTarget, ResilientMicroservice } from '../../lib';
import { findObject, K8sObject, podSpecOf, synth, testPlatform } from '../support/objects';

function build(props: Partial<ApiGatewayProps> = {}, external = true) {
  const { platform } = testPlatform({ namespace: 'shop' });
  const orders = new ResilientMicroservice(platform, 'orders', { image: 'shop/orders:1.0.0' });
  const gateway = new ApiGateway(platform, 'api-gateway', { hosts: ['shop.example.com'], routes: [{ path: '/', to: orders }], ...props });
  if (external) gateway.addRoute({ path: '/partner/', to: ExternalTarget.host('api.partner.example.com', 443) });
  const objects = synth(platform);
  return {
    gateway,
    objects,
    conf: findObject(objects, 'ConfigMap', 'api-gateway-nginx').data['nginx.conf'] as string,
    command: (podSpecOf(findObject(objects, 'Deployment', 'api-gateway')).containers as K8sObject[])[0].command as string[],
  };
}

describe('ApiGateway dns', () => {
  test('default: the pod\'s nameservers, written by the start script, 30 s cache, 5 s timeout, IPv4 only', () => {
    // when
    const { gateway, conf, command } = build();
    // then
    expect(gateway.nginxOptions.resolver).toEqual({ validSeconds: 30, timeoutSeconds: 5, ipv6: false });
    expect(command.slice(0, 2)).toEqual(['sh', '-c']);
    expect(command[2]).toContain('done < /etc/resolv.conf');
    expect(command[2]).toContain('echo "resolver$servers valid=30s ipv6=off;" > /tmp/resolver.conf');
    expect(command[2].split('\n').at(-1)).toBe('exec nginx -g "daemon off;"');
    expect(conf).toContain('  include /tmp/resolver.conf;');
    expect(conf).toContain('  resolver_timeout 5s;');
  });

  test('no external route: nginx is started directly and no resolver is configured', () => {
    // when
    const { conf, command } = build({}, false);
    // then
    expect(command).toEqual(['nginx', '-g', 'daemon off;']);
    expect(conf).not.toContain('resolver');
  });

  test('explicit servers, TTL, timeout and IPv6: written into nginx.conf, and nginx is started directly', () => {
    // when
    const { conf, command } = build({
      dns: { resolvers: ['10.96.0.10', 'fd00::10', '169.254.20.10:53', '[fd00::a]:5353'], cacheTtl: Duration.seconds(10), timeout: Duration.seconds(2), ipv6: true },
    });
    // then
    expect(command).toEqual(['nginx', '-g', 'daemon off;']);
    expect(conf).toContain('  resolver 10.96.0.10 [fd00::10] 169.254.20.10:53 [fd00::a]:5353 valid=10s ipv6=on;\n  resolver_timeout 2s;');
  });

  test.each([
    [{ resolvers: [] }, 'dns.resolvers ([]) must list at least one DNS server address'],
    [{ resolvers: ['kube-dns.kube-system.svc.cluster.local'] }, 'dns.resolvers[0] ("kube-dns.kube-system.svc.cluster.local") must be an IP address, optionally with a port'],
    [{ resolvers: ['10.96.0.10:0'] }, 'dns.resolvers[0] ("10.96.0.10:0") must be an IP address'],
    [{ resolvers: ['10.96.0.300'] }, 'dns.resolvers[0] ("10.96.0.300") must be an IP address'],
    [{ cacheTtl: Duration.millis(500) }, 'dns.cacheTtl ("0.5s") must be a whole number of seconds from 1 to 86400'],
    [{ timeout: Duration.minutes(5) }, 'dns.timeout ("300s") must be a whole number of seconds from 1 to 60'],
  ])('dns %j is refused', (dns, message) => {
    expect(() => build({ dns })).toThrow(`[shop/api-gateway] ${message}`);
  });
});

describe('ApiGateway trustedProxies', () => {
  test('default: none, the client is the TCP peer', () => {
    // when
    const { gateway, conf } = build();
    // then
    expect(gateway.nginxOptions.trustedProxies).toEqual([]);
    expect(conf).not.toContain('set_real_ip_from');
  });

  test('CIDRs and single addresses, IPv4 and IPv6, in code-point order whatever the declaration order', () => {
    // when
    const { gateway, conf } = build({ trustedProxies: ['10.244.0.0/16', 'fd00::/8', '10.0.0.7'] });
    // then
    expect(gateway.nginxOptions.trustedProxies).toEqual(['10.0.0.7', '10.244.0.0/16', 'fd00::/8']);
    expect(conf).toContain('    set_real_ip_from 10.0.0.7;\n    set_real_ip_from 10.244.0.0/16;\n    set_real_ip_from fd00::/8;');
  });

  test.each([
    [['10.0.0.0/33'], 'trustedProxies[0] ("10.0.0.0/33") must be an IPv4 or IPv6 CIDR'],
    [['ingress-nginx'], 'trustedProxies[0] ("ingress-nginx") must be an IPv4 or IPv6 CIDR'],
    [['10.0.0.0/8', '0.0.0.0/0'], 'trustedProxies[1] ("0.0.0.0/0") trusts every peer, so any client could choose its own address'],
    [['10.0.0.0/8', '10.0.0.0/8'], 'trustedProxies (["10.0.0.0/8","10.0.0.0/8"]) lists a CIDR twice'],
    ['10.0.0.0/8', 'trustedProxies ("10.0.0.0/8") must be a list of CIDRs'],
  ])('trustedProxies %j is refused', (trustedProxies, message) => {
    expect(() => build({ trustedProxies: trustedProxies as string[] })).toThrow(`[shop/api-gateway] ${message}`);
  });
});
