// The topology diagram of a Platform as Mermaid: the same wiring graph that produced its NetworkPolicies.
import { edgeReportLines } from '../edge/edge-report';
import { Platform } from '../platform';
import { INetworkPeer, NetworkPort, WiringEdge, WiringGraph } from '../network/wiring-graph';
import { compareCodePoints } from '../private/ordering';

/** One arrow of the diagram: who may connect to whom, on which ports. */
export interface TopologyEdge {
  readonly from: string;
  readonly to: string;
  readonly ports: readonly number[];
  readonly label?: string;
}

/**
 * The platform's flows as data, sorted: edges between its workloads (and to or from workloads of other
 * platforms), and flows from or to outside. Tests compare these with the NetworkPolicies.
 */
export function topologyEdges(platform: Platform): TopologyEdge[] {
  const graph = WiringGraph.of(platform);
  // One graph serves the whole app, where several platforms (e.g. one per environment) may share a namespace.
  const inPlatform = (peer: INetworkPeer) => Platform.of(peer) === platform;
  const internal = graph.edges
    .filter((e) => inPlatform(e.from) || inPlatform(e.to))
    .map((e) => ({ from: nodeName(e.from, platform), to: nodeName(e.to, platform), ports: portNumbers(e.ports), label: labelOf(e) }));
  const external = graph.externalFlows
    .filter((f) => inPlatform(f.peer))
    .map((f) => f.direction === 'ingress'
      ? { from: f.description, to: nodeName(f.peer, platform), ports: portNumbers(f.ports), label: undefined }
      : { from: nodeName(f.peer, platform), to: f.description, ports: portNumbers(f.ports), label: undefined });
  // Every field is in the key, so that edges of one pair never stay in the order they were declared in.
  const key = (e: TopologyEdge) => `${e.from}\u0000${e.to}\u0000${e.label ?? ''}\u0000${e.ports.join(',')}`;
  return [...internal, ...external].sort((a, b) => compareCodePoints(key(a), key(b)));
}

/** A Markdown document with the Mermaid flowchart (GitHub renders it) and the edge with its certificate paths. */
export function topologyDiagram(platform: Platform): string {
  const edges = topologyEdges(platform);
  const workloads = new Map(platform.workloadFootprints.map((f) => [f.workload.workloadName, f.kind]));
  const names = [...new Set(edges.flatMap((e) => [e.from, e.to]).concat([...workloads.keys()]))].sort(compareCodePoints);
  const lines = [
    `# ${platform.platformName} (${platform.environment.name}): topology`,
    '',
    `Namespace \`${platform.namespaceName}\`. Every arrow is an allowed connection, derived from the same wiring`,
    'as the NetworkPolicies; everything else is denied.',
    '',
    '```mermaid',
    'flowchart LR',
  ];
  for (const name of names) lines.push(`  ${nodeId(name)}${shape(name, workloads.get(name))}`);
  for (const e of edges) {
    const text = [e.label, e.ports.map((p) => `:${p}`).join(' ')].filter(Boolean).join(' ');
    lines.push(`  ${nodeId(e.from)} -->|"${text}"| ${nodeId(e.to)}`);
  }
  lines.push('```', '', ...edgeReportLines(platform.edge));
  return lines.join('\n');
}

function nodeName(peer: INetworkPeer, platform: Platform): string {
  return peer.namespace === platform.namespaceName ? peer.workloadName : `${peer.namespace}/${peer.workloadName}`;
}

function labelOf(edge: WiringEdge): string | undefined {
  return edge.label ?? (edge.kind === 'backup' ? 'backup' : undefined);
}

function portNumbers(ports: readonly NetworkPort[]): number[] {
  return [...new Set(ports.map((p) => p.port))].sort((a, b) => a - b);
}

function nodeId(name: string): string {
  return `n_${name.replace(/[^A-Za-z0-9]/g, '_')}`;
}

function shape(name: string, kind: string | undefined): string {
  if (kind === 'StatefulSet') return `[("${name}")]`;
  if (kind === 'CronJob') return `[/"${name}"/]`;
  if (kind === undefined) return `(["${name}"])`;
  return `["${name}"]`;
}
