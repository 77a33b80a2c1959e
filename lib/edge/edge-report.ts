// The edge section of a Platform's topology report: how it is reached, who is admitted, and each host's
// certificate path (Secret, issuer, how cert-manager proves control).
import { compareCodePoints } from '../private/ordering';
import { Edge } from './edge';

/** Markdown lines: the edge, its data plane and the certificate path of every exposed host. */
export function edgeReportLines(edge: Edge): string[] {
  const spec = edge.spec;
  const ref = edge.gatewayRef;
  const how = spec.kind === 'ingress'
    ? `Ingresses of class \`${spec.className}\`${Object.keys(spec.annotations).length ? ` with annotations ${Object.keys(spec.annotations).sort(compareCodePoints).map((k) => `\`${k}\``).join(', ')}` : ', no controller annotations'}`
    : spec.mode === 'create'
      ? `Gateway API: HTTPRoutes on Gateway \`${ref!.name}\` (class \`${spec.create.className}\`), created in the namespace`
      : `Gateway API: HTTPRoutes on the existing Gateway \`${ref!.namespace}/${ref!.name}\`, listener \`${spec.gateway.sectionName}\``;
  const admitted = spec.dataPlane.describe(ref ?? { name: '', namespace: '' });
  const lines = ['## Edge and certificates', '', `- Edge: ${how}.`, `- Admitted from outside: ${admitted}, only to the exposed pods and ports.`];
  const paths = [...edge.certificatePaths].sort((a, b) => compareCodePoints(a.hosts.join(','), b.hosts.join(',')));
  if (paths.length === 0) {
    lines.push('- Certificates: none; nothing is exposed.');
  } else {
    lines.push('', '| Hosts | Certificate path |', '|---|---|');
    for (const path of paths) lines.push(`| ${path.hosts.map((h) => `\`${h}\``).join(', ')} | ${path.description} |`);
  }
  lines.push('');
  return lines;
}
