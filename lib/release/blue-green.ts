// Blue/green: two full Deployments side by side; the Service selects the active colour, a preview Service the other.
import { k8s } from 'cdk8s-plus-28';
import { DeploymentStrategy } from '../deployment-strategy';
import { PatternError } from '../errors';
import { checkEnvName, checkPinnedImage } from '../private/prop-checks';
import {
  IRelease, PodVariant, ReleaseColor, ReleaseLabels, ReleaseResult, ReleaseTarget, ReleasedWorkload, releaseDeployment,
  variantSelector,
} from './release-target';

/** One colour of a blue/green release. */
export interface BlueGreenColorOptions {
  /**
   * The colour's image, pinned by tag or digest.
   * @default - the service's `image`
   */
  readonly image?: string;
  /**
   * Settings for this colour only, merged over the service's `config` into a ConfigMap of its own
   * (`<name>-<colour>-config`), so a new version's config never reaches the live colour.
   * @default - the service's `config`
   */
  readonly config?: Readonly<Record<string, string | number | boolean>>;
}

/** Options of `Release.blueGreen()`. */
export interface BlueGreenOptions {
  /** The colour the Service `<name>` sends live traffic to; the other is reachable as `<name>-preview`. */
  readonly active: ReleaseColor;
  /** @default - the service's image and config */
  readonly blue?: BlueGreenColorOptions;
  /** @default - the service's image and config */
  readonly green?: BlueGreenColorOptions;
  /**
   * How each colour's Deployment replaces its own pods.
   * @default DeploymentStrategy.rollingUpdate()
   */
  readonly strategy?: DeploymentStrategy;
}

const COLORS: readonly ReleaseColor[] = ['blue', 'green'];

/**
 * Deployments `<name>-blue` and `<name>-green`, each with its own image, config and config hash, both running at
 * full size, so switching `active` moves all traffic at once and switching back is the rollback. Only the
 * selectors of the two Services change on a switch.
 */
export class BlueGreenRelease implements IRelease {
  public readonly kind = 'blue-green';
  public readonly active: ReleaseColor;
  public readonly preview: ReleaseColor;
  public readonly strategy: DeploymentStrategy;

  constructor(private readonly options: BlueGreenOptions) {
    this.active = options.active;
    this.preview = options.active === 'blue' ? 'green' : 'blue';
    this.strategy = options.strategy ?? DeploymentStrategy.rollingUpdate();
  }

  /** @internal */
  public _apply(target: ReleaseTarget): ReleaseResult {
    const scope = target.scope;
    if (!COLORS.includes(this.options.active)) {
      throw PatternError.invalidProp(scope, 'release.active', this.options.active, 'must be "blue" or "green"');
    }
    const images = COLORS.map((color) => this.options[color]?.image ?? target.image);
    COLORS.forEach((color, i) => checkPinnedImage(scope, `release.${color}.image`, images[i]));
    if (images[0] === images[1]) {
      throw PatternError.invalidProp(scope, 'release.green.image', images[1],
        'must differ from the blue image: blue/green needs two images, one per colour (set release.blue.image and release.green.image, or use Release.rollingUpdate() for one image)');
    }
    const workloads = COLORS.map((color, i) => this.colorDeployment(target, color, images[i]));
    const service = target.service('Service', target.workloadName, variantSelector(target, ReleaseLabels.COLOR, this.active));
    const preview = target.service('PreviewService', `${target.workloadName}-preview`,
      variantSelector(target, ReleaseLabels.COLOR, this.preview));
    const ordered = workloads[0].role === this.active ? workloads : [workloads[1], workloads[0]];
    return { workloads: ordered, service, extraServices: [preview], ingresses: [] };
  }

  private colorDeployment(target: ReleaseTarget, color: ReleaseColor, image: string): ReleasedWorkload {
    const name = `${target.workloadName}-${color}`;
    const title = color === 'blue' ? 'Blue' : 'Green';
    const selector = variantSelector(target, ReleaseLabels.COLOR, color);
    let variant: PodVariant = { image, selector };
    const own = this.options[color]?.config;
    if (own !== undefined) {
      const config = { ...(target.config ?? {}), ...stringify(target, `release.${color}.config`, own) };
      const sorted: Record<string, string> = {};
      for (const key of Object.keys(config).sort()) sorted[key] = config[key];
      const configMap = new k8s.KubeConfigMap(target.scope, `${title}ConfigMap`, {
        metadata: { name: `${name}-config`, labels: { ...target.labels, [ReleaseLabels.COLOR]: color } },
        data: sorted,
      });
      variant = { ...variant, configMapName: configMap.name, config: sorted };
    }
    return releaseDeployment(target, {
      id: `${title}Deployment`,
      name,
      role: color,
      variant,
      strategy: this.strategy,
      replicas: target.replicas,
      minReplicas: target.minReplicas,
      maxReplicas: target.maxReplicas,
      extraLabels: { [ReleaseLabels.COLOR]: color },
    });
  }
}

function stringify(target: ReleaseTarget, prop: string, config: Readonly<Record<string, string | number | boolean>>): Record<string, string> {
  const data: Record<string, string> = {};
  for (const key of Object.keys(config)) {
    checkEnvName(target.scope, prop, key);
    data[key] = String(config[key]);
  }
  return data;
}
