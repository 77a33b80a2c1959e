// Port numbers and names the API server refuses: containers, Services and probes.
import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Platform } from '../../lib';
import { PortRules } from '../../lib/validation';
import { findingsOf } from '../support/findings';

const IMAGE = 'registry.example.com/shop/api:1.4.0';
const worker = (p: Platform, container: Record<string, unknown>) => new ApiObject(p, 'Worker', {
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'worker' },
  spec: { selector: { matchLabels: { app: 'w' } }, template: { metadata: { labels: { app: 'w' } }, spec: { containers: [{ name: 'w', image: IMAGE, ...container }] } } },
});
const service = (p: Platform, ports: Record<string, unknown>[]) => new ApiObject(p, 'Svc', {
  apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc' }, spec: { selector: { app: 'w' }, ports },
});
const at = '^\\[shop\\/Worker\\] error api\\/port Deployment\\/shop\\/worker spec\\.template\\.spec\\.containers\\[0\\]';

describe('container ports', () => {
  test.each([
    ['0', { containerPort: 0 }, `${at}\\.ports\\[0\\]\\.containerPort: found 0; expected an integer from 1 to 65535`],
    ['65536', { containerPort: 65536 }, `${at}\\.ports\\[0\\]\\.containerPort: found 65536`],
    ['a hostPort of 70000', { containerPort: 80, hostPort: 70000 }, `${at}\\.ports\\[0\\]\\.hostPort: found 70000; expected 0 or an integer`],
    ['a name over 15', { containerPort: 80, name: 'much-too-long-name' }, `${at}\\.ports\\[0\\]\\.name: found "much-too-long-name"; expected an IANA service name`],
    ['a name of digits only', { containerPort: 80, name: '8080' }, `${at}\\.ports\\[0\\]\\.name: found "8080"`],
    ['a name with "--"', { containerPort: 80, name: 'http--alt' }, `${at}\\.ports\\[0\\]\\.name: found "http--alt"`],
    ['an upper-case name', { containerPort: 80, name: 'HTTP' }, `${at}\\.ports\\[0\\]\\.name: found "HTTP"`],
  ])('%s is refused', (_title, port, message) => {
    expect(findingsOf(PortRules.PORT, (p) => worker(p, { ports: [port] }))).toEqual([expect.stringMatching(new RegExp(message))]);
  });
});

describe('probe ports', () => {
  test.each([
    ['an httpGet port of 0', { readinessProbe: { httpGet: { path: '/', port: 0 } } }, 'readinessProbe\\.httpGet\\.port: found 0; expected an integer from 1 to 65535, or a port name'],
    ['a tcpSocket port of 99999', { livenessProbe: { tcpSocket: { port: 99999 } } }, 'livenessProbe\\.tcpSocket\\.port: found 99999'],
    ['a grpc port of 0', { startupProbe: { grpc: { port: 0 } } }, 'startupProbe\\.grpc\\.port: found 0; expected an integer from 1 to 65535'],
    ['a port name with an underscore', { readinessProbe: { httpGet: { path: '/', port: 'http_alt' } } }, 'readinessProbe\\.httpGet\\.port: found "http_alt"'],
  ])('%s is refused', (_title, probe, message) => {
    expect(findingsOf(PortRules.PORT, (p) => worker(p, probe))).toEqual([expect.stringMatching(new RegExp(`${at}\\.${message}`))]);
  });
});

describe('Service ports', () => {
  const svc = '^\\[shop\\/Svc\\] error api\\/port Service\\/shop\\/svc spec\\.ports';
  test.each([
    ['a port of 70000', [{ port: 70000 }], `${svc}\\[0\\]\\.port: found 70000; expected an integer from 1 to 65535`],
    ['a targetPort of 0', [{ port: 80, targetPort: 0 }], `${svc}\\[0\\]\\.targetPort: found 0`],
    ['a targetPort name too long', [{ port: 80, targetPort: 'a-very-long-port-name' }], `${svc}\\[0\\]\\.targetPort: found "a-very-long-port-name"`],
    ['two ports, one unnamed', [{ port: 80, name: 'http' }, { port: 81 }], `${svc}\\[1\\]\\.name: found missing; expected a name: a Service with more than one port must name each`],
    ['a name that is not a DNS label', [{ port: 80, name: 'Http' }], `${svc}\\[0\\]\\.name: found "Http"; expected a DNS-1123 label`],
    ['a name twice', [{ port: 80, name: 'http' }, { port: 81, name: 'http' }], `${svc}\\[1\\]\\.name: found "http"; expected a name no other port of the Service uses`],
  ])('%s is refused', (_title, ports, message) => {
    expect(findingsOf(PortRules.PORT, (p) => service(p, ports))).toEqual([expect.stringMatching(new RegExp(message))]);
  });

  test('valid ports pass: a named targetPort, a single unnamed port, a typed L1 Service', () => {
    expect(findingsOf(PortRules.PORT, (p) => {
      service(p, [{ port: 80, targetPort: 'http' }]);
      new k8s.KubeService(p, 'Typed', { metadata: { name: 'typed' }, spec: { ports: [{ port: 443, name: 'https', targetPort: k8s.IntOrString.fromNumber(8443) }] } });
    })).toEqual([]);
  });
});
