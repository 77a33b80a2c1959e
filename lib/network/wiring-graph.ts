// The wiring graph: who talks to whom on which ports. NetworkPolicies, env and diagrams all derive from it.
import { Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { PatternError } from '../errors';
import * as k8s from '../private/k8s';

/** A port a peer is reached on. */
export interface NetworkPort {
  readonly port: number;
  /** @default 'TCP' */
  readonly protocol?: 'TCP' | 'UDP';
}

/** Anything whose pods can be selected by a NetworkPolicy: a microservice, database, gateway or job. */
export interface INetworkPeer extends IConstruct {
  /** The workload's name, as in its objects' names. */
  readonly workloadName: string;
  /** The namespace its pods run in. */
  readonly namespace: string;
  /** Labels that select exactly its pods. */
  readonly podSelector: Readonly<Record<string, string>>;
}

/** A peer that serves clients: it has ports, a DNS name, and the env a client needs to reach it. */
export interface IConnectable extends INetworkPeer {
  /** The ports a client reaches it on. */
  readonly connectionPorts: readonly NetworkPort[];
  /** The in-cluster DNS name of its Service. */
  readonly host: string;
  /**
   * Environment variables a client gets to reach it; names are prefixed with `envPrefix`. `client` is the
   * workload that connects (`connectTo` passes it), for a target that gives each client credentials of its own.
   */
  connectionEnv(envPrefix?: string, client?: INetworkPeer): k8s.EnvVar[];
  /**
   * What an edge to it stands for in diagrams and reports.
   * @default 'service'
   */
  readonly connectionKind?: EdgeKind;
}

/** What kind of relation an edge stands for, for diagrams and reports. */
export type EdgeKind = 'service' | 'database' | 'route' | 'backup' | 'external';

/** One allowed flow: `from` may open connections to `to` on `ports`. */
export interface WiringEdge {
  readonly from: INetworkPeer;
  readonly to: INetworkPeer;
  readonly ports: readonly NetworkPort[];
  readonly kind: EdgeKind;
  /** A label for diagrams, e.g. a route's path. */
  readonly label?: string;
}

/** A flow whose other end is outside the kit's constructs (ingress controller, Prometheus, an external API). */
export interface ExternalFlow {
  /** The kit's workload at this end. */
  readonly peer: INetworkPeer;
  /** 'ingress' into `peer`, or 'egress' out of it. */
  readonly direction: 'ingress' | 'egress';
  /** The other end, as NetworkPolicy peers. */
  readonly others: readonly k8s.NetworkPolicyPeer[];
  readonly ports: readonly NetworkPort[];
  /** Who the other end is, for diagrams (e.g. "ingress-nginx"). */
  readonly description: string;
}

const GRAPHS = new WeakMap<IConstruct, WiringGraph>();

/**
 * One graph per app. Both ends of an edge are in one Platform (one chart): a Platform is one environment of one
 * App, applied to its own cluster, so an edge across two could only give one-sided policies and env that points at
 * another environment's workloads. Ends elsewhere are declared as external flows (`addExternal`).
 */
export class WiringGraph {
  /** The graph of the app that `scope` belongs to. */
  public static of(scope: IConstruct): WiringGraph {
    const root = scope.node.root;
    let graph = GRAPHS.get(root);
    if (!graph) {
      graph = new WiringGraph();
      GRAPHS.set(root, graph);
    }
    return graph;
  }

  private readonly _edges: WiringEdge[] = [];
  private readonly _external: ExternalFlow[] = [];
  // Indexes into _edges / _external by peer, so that each policy's lookups cost its own degree, not the graph's size.
  private readonly edgeIndexesFrom = new Map<INetworkPeer, number[]>();
  private readonly edgeIndexesTo = new Map<INetworkPeer, number[]>();
  private readonly externalByPeer = new Map<INetworkPeer, ExternalFlow[]>();

  /** Every edge, in declaration order. */
  public get edges(): readonly WiringEdge[] {
    return this._edges;
  }

  /** Every flow to or from outside, in declaration order. */
  public get externalFlows(): readonly ExternalFlow[] {
    return this._external;
  }

  /**
   * Records that `edge.from` may reach `edge.to`; a repeated pair merges its ports. Throws a PatternError when the
   * two ends are in different Platforms.
   */
  public connect(edge: WiringEdge): WiringEdge {
    checkSamePlatform(edge);
    const from = this.edgeIndexesFrom.get(edge.from) ?? [];
    const index = from.find((i) => this._edges[i].to === edge.to && this._edges[i].kind === edge.kind);
    if (index === undefined) {
      from.push(this._edges.length);
      this.edgeIndexesFrom.set(edge.from, from);
      const to = this.edgeIndexesTo.get(edge.to) ?? [];
      to.push(this._edges.length);
      this.edgeIndexesTo.set(edge.to, to);
      this._edges.push(edge);
      return edge;
    }
    const merged = { ...this._edges[index], ports: mergePorts(this._edges[index].ports, edge.ports) };
    this._edges[index] = merged;
    return merged;
  }

  /** Records a flow to or from outside the kit's constructs. */
  public addExternal(flow: ExternalFlow): void {
    this._external.push(flow);
    const flows = this.externalByPeer.get(flow.peer) ?? [];
    flows.push(flow);
    this.externalByPeer.set(flow.peer, flows);
  }

  /** Edges out of a peer, in declaration order. */
  public edgesFrom(peer: INetworkPeer): WiringEdge[] {
    return (this.edgeIndexesFrom.get(peer) ?? []).map((i) => this._edges[i]);
  }

  /** Edges into a peer, in declaration order. */
  public edgesTo(peer: INetworkPeer): WiringEdge[] {
    return (this.edgeIndexesTo.get(peer) ?? []).map((i) => this._edges[i]);
  }

  /** External flows at a peer in one direction, in declaration order. */
  public externalAt(peer: INetworkPeer, direction: 'ingress' | 'egress'): ExternalFlow[] {
    return (this.externalByPeer.get(peer) ?? []).filter((f) => f.direction === direction);
  }
}

function checkSamePlatform(edge: WiringEdge): void {
  const fromChart = chartOf(edge.from);
  const toChart = chartOf(edge.to);
  if (fromChart === toChart) return;
  const where = (chart: Chart | undefined) => (chart ? `Platform "${chart.node.path}"` : 'no Platform');
  throw new PatternError(edge.from, `cannot be wired to "${edge.to.node.path}" (${edge.kind}): "${edge.from.node.path}" is in ${where(fromChart)}, `
    + `"${edge.to.node.path}" in ${where(toChart)}; both ends of a connectTo/allowFrom must be in one Platform (one environment of one App). `
    + 'declare a flow to or from elsewhere on each side with WiringGraph.of(scope).addExternal');
}

/** The chart (Platform) a construct is defined in, or undefined outside any. */
function chartOf(construct: IConstruct): Chart | undefined {
  for (let node: IConstruct | undefined = construct; node; node = node.node.scope) {
    if (Chart.isChart(node)) return node;
  }
  return undefined;
}

function mergePorts(a: readonly NetworkPort[], b: readonly NetworkPort[]): NetworkPort[] {
  const key = (p: NetworkPort) => `${p.protocol ?? 'TCP'}/${p.port}`;
  const seen = new Map(a.map((p) => [key(p), p]));
  for (const p of b) if (!seen.has(key(p))) seen.set(key(p), p);
  return [...seen.values()];
}
