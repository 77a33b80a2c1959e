// Environment profiles: the one place where development, staging and production differ.
import { IConstruct } from 'constructs';
import { PatternError } from './errors';

/** What an environment decides for every workload of a Platform. */
export interface EnvironmentProfileProps {
  /** The environment's name, used in labels and output paths (a DNS-1123 label). */
  readonly name: string;
  /**
   * The fewest replicas a service runs with (the HPA minimum).
   * @default 2
   */
  readonly minReplicas?: number;
  /**
   * The most replicas autoscaling may reach.
   * @default 10
   */
  readonly maxReplicas?: number;
  /**
   * A factor applied to every container's CPU and memory requests and limits.
   * @default 1
   */
  readonly resourceScale?: number;
  /**
   * Database replicas (StatefulSet size) when a database does not set its own.
   * @default 1
   */
  readonly databaseReplicas?: number;
  /**
   * Whether databases get a metrics exporter sidecar and workloads a ServiceMonitor.
   * @default false
   */
  readonly metrics?: boolean;
  /**
   * Whether databases get their backup CronJob.
   * @default false
   */
  readonly backups?: boolean;
  /**
   * Whether this is a production environment: there every insecure opt-in (plaintext credentials, a plain-HTTP
   * gateway) is a validation error unless waived with a reason; elsewhere it is a warning.
   * @default - true for the name "production"
   */
  readonly production?: boolean;
}

/**
 * An environment profile. Use the three built-in ones or `Environment.custom()`.
 * @see https://kubernetes.io/docs/concepts/workloads/autoscaling/
 */
export class Environment {
  /** Small and cheap: 2–3 replicas, half-size containers, no backups or metrics sidecars. */
  public static readonly DEVELOPMENT = new Environment({
    name: 'development', minReplicas: 2, maxReplicas: 3, resourceScale: 0.5,
  });
  /** Production-shaped at a smaller scale: 2–5 replicas, full-size containers, metrics on. */
  public static readonly STAGING = new Environment({
    name: 'staging', minReplicas: 2, maxReplicas: 5, metrics: true,
  });
  /** 2–10 replicas, full-size containers, metrics, backups and highly available databases. */
  public static readonly PRODUCTION = new Environment({
    name: 'production', minReplicas: 2, maxReplicas: 10, databaseReplicas: 2, metrics: true, backups: true,
  });

  /** A user-defined environment; unset fields take the defaults documented on the props. */
  public static custom(props: EnvironmentProfileProps): Environment {
    return new Environment(props);
  }

  public readonly name: string;
  public readonly minReplicas: number;
  public readonly maxReplicas: number;
  public readonly resourceScale: number;
  public readonly databaseReplicas: number;
  public readonly metrics: boolean;
  public readonly backups: boolean;
  public readonly production: boolean;

  private constructor(props: EnvironmentProfileProps) {
    this.name = props.name;
    this.minReplicas = props.minReplicas ?? 2;
    this.maxReplicas = props.maxReplicas ?? 10;
    this.resourceScale = props.resourceScale ?? 1;
    this.databaseReplicas = props.databaseReplicas ?? 1;
    this.metrics = props.metrics ?? false;
    this.backups = props.backups ?? false;
    this.production = props.production ?? props.name === 'production';
  }

  /** Checks the profile's numbers; called by the Platform that uses it, so errors name the platform. */
  public validate(scope: IConstruct): void {
    const where = `environment "${this.name}"`;
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(this.name) || this.name.length > 63) {
      throw PatternError.invalidProp(scope, 'environment.name', this.name, 'must be a DNS-1123 label');
    }
    if (!Number.isInteger(this.minReplicas) || this.minReplicas < 1) {
      throw PatternError.invalidProp(scope, 'environment.minReplicas', this.minReplicas, `of ${where} must be an integer of at least 1`);
    }
    if (!Number.isInteger(this.maxReplicas) || this.maxReplicas < this.minReplicas) {
      throw PatternError.invalidProp(scope, 'environment.maxReplicas', this.maxReplicas,
        `of ${where} must be an integer not below minReplicas (${this.minReplicas})`);
    }
    if (!(typeof this.resourceScale === 'number' && this.resourceScale > 0 && this.resourceScale <= 100)) {
      throw PatternError.invalidProp(scope, 'environment.resourceScale', this.resourceScale, `of ${where} must be above 0 and at most 100`);
    }
    if (typeof this.production !== 'boolean') {
      throw PatternError.invalidProp(scope, 'environment.production', this.production, `of ${where} must be true or false`);
    }
    if (!Number.isInteger(this.databaseReplicas) || this.databaseReplicas < 1 || this.databaseReplicas > 100) {
      throw PatternError.invalidProp(scope, 'environment.databaseReplicas', this.databaseReplicas, `of ${where} must be an integer from 1 to 100`);
    }
  }
}
