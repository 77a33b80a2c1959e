// Port numbers and names as the API server checks them: containers, Services and probes (schemas only say "integer").
import { isDnsLabel, isPortName, isPortNumber } from './api-syntax';
import { Finding, finding, KubeObject } from './finding';
import { IndexedObject, ObjectIndex, PodTemplate } from './object-index';

/** Rule ids of the port checks. */
export const PortRules = {
  /** A port number outside 1–65535, or a port name that is not an IANA service name. */
  PORT: 'api/port',
} as const;

const NUMBER = 'an integer from 1 to 65535';
const NAME = 'an IANA service name: at most 15 lower-case letters, digits and single \'-\', with at least one letter';
const PROBES = ['livenessProbe', 'readinessProbe', 'startupProbe'];
const PORT_HANDLERS = ['httpGet', 'tcpSocket'];

/** Runs the port checks over every pod template and Service. */
export function checkPorts(index: ObjectIndex): Finding[] {
  const findings: Finding[] = [];
  for (const template of index.podTemplates) checkPodPorts(template, findings);
  for (const service of index.everyOfKind('Service')) checkServicePorts(service, findings);
  return findings;
}

function checkPodPorts(template: PodTemplate, findings: Finding[]): void {
  const add = (at: string, found: unknown, expected: string) => findings.push(finding(PortRules.PORT, 'error', template.owner, at, found, expected));
  for (const { container, path } of template.containers) {
    (container.ports ?? []).forEach((port: KubeObject, i: number) => {
      if (!isPortNumber(port?.containerPort)) add(`${path}.ports[${i}].containerPort`, port?.containerPort, NUMBER);
      if (port?.hostPort !== undefined && port.hostPort !== 0 && !isPortNumber(port.hostPort)) add(`${path}.ports[${i}].hostPort`, port.hostPort, `0 or ${NUMBER}`);
      if (port?.name !== undefined && !isPortName(port.name)) add(`${path}.ports[${i}].name`, port.name, NAME);
    });
    for (const probe of PROBES) {
      const handler = container[probe];
      if (!handler) continue;
      for (const kind of PORT_HANDLERS) {
        const port = handler[kind]?.port;
        if (port !== undefined && !validTargetPort(port)) add(`${path}.${probe}.${kind}.port`, port, `${NUMBER}, or a port name (${NAME})`);
      }
      if (handler.grpc && !isPortNumber(handler.grpc.port)) add(`${path}.${probe}.grpc.port`, handler.grpc.port, NUMBER);
    }
  }
}

function checkServicePorts(service: IndexedObject, findings: Finding[]): void {
  const add = (at: string, found: unknown, expected: string) => findings.push(finding(PortRules.PORT, 'error', service, at, found, expected));
  const ports: KubeObject[] = Array.isArray(service.json.spec?.ports) ? service.json.spec.ports : [];
  const names = new Set<string>();
  ports.forEach((port, i) => {
    if (!isPortNumber(port?.port)) add(`spec.ports[${i}].port`, port?.port, NUMBER);
    if (port?.targetPort !== undefined && !validTargetPort(port.targetPort)) add(`spec.ports[${i}].targetPort`, port.targetPort, `${NUMBER}, or a container port name (${NAME})`);
    if (port?.nodePort !== undefined && port.nodePort !== 0 && !isPortNumber(port.nodePort)) add(`spec.ports[${i}].nodePort`, port.nodePort, `0 or ${NUMBER}`);
    if (port?.name === undefined) {
      if (ports.length > 1) add(`spec.ports[${i}].name`, undefined, 'a name: a Service with more than one port must name each');
    } else if (!isDnsLabel(port.name)) {
      add(`spec.ports[${i}].name`, port.name, 'a DNS-1123 label (lower-case letters, digits and \'-\')');
    } else if (names.has(port.name)) {
      add(`spec.ports[${i}].name`, port.name, 'a name no other port of the Service uses');
    }
    if (typeof port?.name === 'string') names.add(port.name);
  });
}

function validTargetPort(port: unknown): boolean {
  return typeof port === 'string' ? isPortName(port) : isPortNumber(port);
}
