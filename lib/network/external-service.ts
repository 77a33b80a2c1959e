// A destination outside the cluster (a payment provider, an SMTP relay, a SaaS API) that workloads connect to:
// its addresses as CIDR blocks and its ports, rendered as NetworkPolicy ipBlocks by the connecting workload.
import * as k8s from '../private/k8s';
import { NetworkPort } from './wiring-graph';
import { PatternError } from '../errors';
import { checkDnsLabel, checkDnsSubdomain, checkPort } from '../private/prop-checks';

const EXTERNAL_SERVICE_SYMBOL = Symbol.for('cdk8s-patterns.ExternalService');

/** Props of ExternalService.of(). */
export interface ExternalServiceProps {
  /** A name for env vars, reports and diagrams: a DNS label, e.g. `payment-provider` (env `PAYMENT_PROVIDER_HOST`). */
  readonly name: string;
  /**
   * The host name clients connect to, given to them as `<NAME>_HOST` (and `<NAME>_PORT`, the first port).
   * @default - no connection env vars: a flow by address only
   */
  readonly host?: string;
  /**
   * The address blocks the destination lives in (a NetworkPolicy matches addresses, not names: take them from the
   * provider's published ranges). The cluster's own, link-local and metadata ranges are always excepted.
   * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/#networkpolicy-resource
   */
  readonly cidrs: readonly string[];
  /** The ports allowed, e.g. `[{ port: 443 }]`. */
  readonly ports: readonly NetworkPort[];
  /**
   * Why a block of every address (`0.0.0.0/0`, `::/0`) is needed; without it such a block is refused. A CNI's
   * FQDN policy (Cilium `toFQDNs`, Calico `domains`) is the precise alternative for destinations without stable ranges.
   * @default - any-address blocks are refused
   */
  readonly anyAddressWaiver?: string;
}

/**
 * A destination outside the cluster, for `connectTo` and `allowTo` of every workload:
 * `payments.connectTo(ExternalService.of({ name: 'payment-provider', host: 'api.pay.example', cidrs: ['203.0.113.0/24'], ports: [{ port: 443 }] }))`.
 */
export class ExternalService {
  /** A destination outside the cluster; every prop is checked here. */
  public static of(props: ExternalServiceProps): ExternalService {
    return new ExternalService(ExternalService.checked('ExternalService.of', props));
  }

  /** Checks the props of an external destination; errors name `where`. */
  protected static checked(where: string, props: ExternalServiceProps): ExternalServiceProps {
    if (typeof props !== 'object' || props === null) throw PatternError.invalidProp(where, 'props', props, 'must be an object of props');
    checkDnsLabel(where, 'name', props.name);
    if (props.host !== undefined) checkDnsSubdomain(where, 'host', props.host);
    if (!Array.isArray(props.cidrs) || props.cidrs.length === 0) {
      throw PatternError.invalidProp(where, 'cidrs', props.cidrs, 'must list the destination\'s address blocks, e.g. ["203.0.113.0/24"]');
    }
    if (!Array.isArray(props.ports) || props.ports.length === 0) {
      throw PatternError.invalidProp(where, 'ports', props.ports, 'must list the ports to allow, e.g. [{ port: 443 }]');
    }
    for (const p of props.ports) {
      checkPort(where, 'ports', p?.port);
      if (p.protocol !== undefined && !['TCP', 'UDP', 'SCTP'].includes(p.protocol)) {
        throw PatternError.invalidProp(where, 'ports.protocol', p.protocol, 'must be TCP, UDP or SCTP');
      }
    }
    const anyAddress = props.cidrs.filter((c) => c === '0.0.0.0/0' || c === '::/0');
    if (anyAddress.length > 0 && !(typeof props.anyAddressWaiver === 'string' && props.anyAddressWaiver.trim().length >= 10)) {
      throw PatternError.invalidProp(`${where} ${props.name}`, 'cidrs', anyAddress[0],
        'opens egress to every address on the Internet: name the destination\'s blocks, or give anyAddressWaiver a reason (10 characters or more)');
    }
    return props;
  }

  /** Whether `x` is an ExternalService (also across copies of the kit). */
  public static isExternalService(x: unknown): x is ExternalService {
    return typeof x === 'object' && x !== null && EXTERNAL_SERVICE_SYMBOL in x;
  }

  public readonly name: string;
  public readonly host?: string;
  public readonly cidrs: readonly string[];
  public readonly ports: readonly NetworkPort[];
  public readonly anyAddressWaiver?: string;

  protected constructor(props: ExternalServiceProps) {
    Object.defineProperty(this, EXTERNAL_SERVICE_SYMBOL, { value: true });
    this.name = props.name;
    this.host = props.host;
    this.cidrs = [...props.cidrs];
    this.ports = props.ports.map((p) => ({ ...p }));
    this.anyAddressWaiver = props.anyAddressWaiver;
  }

  /** `<PREFIX><NAME>_HOST` and `_PORT` (the first port), when the destination has a host name. */
  public connectionEnv(envPrefix = ''): k8s.EnvVar[] {
    if (this.host === undefined) return [];
    const base = `${envPrefix}${this.name.toUpperCase().replace(/-/g, '_')}`;
    return [{ name: `${base}_HOST`, value: this.host }, { name: `${base}_PORT`, value: String(this.ports[0].port) }];
  }
}
