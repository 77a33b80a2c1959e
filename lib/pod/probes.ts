// Probes as a typed API: HTTP, TCP or exec checks with timings, rendered against a container's named port.
import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { PatternError } from '../errors';
import * as k8s from '../private/k8s';

/** When and how often a probe runs. */
export interface ProbeTimings {
  /**
   * Wait before the first check.
   * @default Duration.seconds(0)
   */
  readonly initialDelay?: Duration;
  /**
   * Time between checks.
   * @default Duration.seconds(10)
   */
  readonly period?: Duration;
  /**
   * Time a check may take.
   * @default Duration.seconds(2)
   */
  readonly timeout?: Duration;
  /**
   * Consecutive failures that count as failed.
   * @default 3
   */
  readonly failureThreshold?: number;
}

/** Options of an HTTP or TCP probe. */
export interface NetworkProbeOptions extends ProbeTimings {
  /**
   * The port to check: a number or a container port name.
   * @default - the workload's main port
   */
  readonly port?: number | string;
}

type ProbeAction =
  | { readonly kind: 'http'; readonly path: string; readonly port?: number | string }
  | { readonly kind: 'tcp'; readonly port?: number | string }
  | { readonly kind: 'exec'; readonly command: readonly string[] };

/**
 * A liveness, readiness or startup check.
 * @see https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/
 */
export class Probe {
  /** An HTTP GET on `path`; 2xx and 3xx pass. */
  public static http(path: string, options: NetworkProbeOptions = {}): Probe {
    return new Probe({ kind: 'http', path, port: options.port }, options);
  }

  /** A TCP connect. */
  public static tcp(options: NetworkProbeOptions = {}): Probe {
    return new Probe({ kind: 'tcp', port: options.port }, options);
  }

  /** A command run in the container; exit code 0 passes. */
  public static exec(command: readonly string[], options: ProbeTimings = {}): Probe {
    return new Probe({ kind: 'exec', command }, options);
  }

  /** @internal */
  public readonly _action: ProbeAction;
  /** @internal */
  public readonly _timings: ProbeTimings;

  private constructor(action: ProbeAction, timings: ProbeTimings) {
    this._action = action;
    this._timings = timings;
  }

  /** A copy with other timings, keeping the check itself. */
  public withTimings(timings: ProbeTimings): Probe {
    return new Probe(this._action, { ...this._timings, ...timings });
  }

  /** Renders the probe, checking its values; `defaultPort` is the workload's main port name. */
  public render(scope: IConstruct, prop: string, defaultPort: number | string): k8s.Probe {
    const timings = renderTimings(scope, prop, this._timings);
    const action = this._action;
    switch (action.kind) {
      case 'http':
        if (typeof action.path !== 'string' || !action.path.startsWith('/')) {
          throw PatternError.invalidProp(scope, `${prop}.path`, action.path, 'must start with "/"');
        }
        return { httpGet: { path: action.path, port: toIntOrString(action.port ?? defaultPort) }, ...timings };
      case 'tcp':
        return { tcpSocket: { port: toIntOrString(action.port ?? defaultPort) }, ...timings };
      case 'exec':
        if (action.command.length === 0) {
          throw PatternError.invalidProp(scope, `${prop}.command`, action.command, 'must name a command to run');
        }
        return { exec: { command: [...action.command] }, ...timings };
    }
  }
}

function renderTimings(scope: IConstruct, prop: string, timings: ProbeTimings) {
  const seconds = (name: string, value: Duration | undefined, fallback: number, min: number) => {
    const s = value === undefined ? fallback : value.toSeconds({ integral: false });
    if (!Number.isInteger(s) || s < min) {
      throw PatternError.invalidProp(scope, `${prop}.${name}`, `${s}s`, `must be a whole number of seconds, at least ${min}`);
    }
    return s;
  };
  const failureThreshold = timings.failureThreshold ?? 3;
  if (!Number.isInteger(failureThreshold) || failureThreshold < 1) {
    throw PatternError.invalidProp(scope, `${prop}.failureThreshold`, failureThreshold, 'must be an integer of at least 1');
  }
  return {
    initialDelaySeconds: seconds('initialDelay', timings.initialDelay, 0, 0),
    periodSeconds: seconds('period', timings.period, 10, 1),
    timeoutSeconds: seconds('timeout', timings.timeout, 2, 1),
    failureThreshold,
  };
}

function toIntOrString(port: number | string): k8s.IntOrString {
  return typeof port === 'number' ? k8s.IntOrString.fromNumber(port) : k8s.IntOrString.fromString(port);
}
