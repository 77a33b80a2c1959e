// Blue/green: two full Deployments side by side; the Service selects the active colour, a preview Service the other.
import { DeploymentStrategy } from '../deployment-strategy';
import { PatternError } from '../errors';
import { checkDnsSubdomain, checkEnvName, checkPinnedImage } from '../private/prop-checks';
import {
  ConfigMapPlan, ControllerPlan, IRelease, PodVariant, ReleaseColor, ReleaseContext, ReleaseLabels, ReleasePlan, RoutePlan, variantSelector,
} from './release-plan';

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
   * A host on the Platform's edge serving the preview colour (Service `<name>-preview`), for checks before the
   * switch; its certificate comes from the service's `expose.tls`. Needs `expose`.
   * @default - the preview is reachable inside the cluster only
   */
  readonly previewHost?: string;
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
  public _plan(context: ReleaseContext): ReleasePlan {
    const scope = context.scope;
    if (!COLORS.includes(this.options.active)) {
      throw PatternError.invalidProp(scope, 'release.active', this.options.active, 'must be "blue" or "green"');
    }
    const images = COLORS.map((color) => this.options[color]?.image ?? context.image);
    COLORS.forEach((color, i) => checkPinnedImage(scope, `release.${color}.image`, images[i]));
    if (images[0] === images[1]) {
      throw PatternError.invalidProp(scope, 'release.green.image', images[1],
        'must differ from the blue image: blue/green needs two images, one per colour (set release.blue.image and release.green.image, or use Release.rollingUpdate() for one image)');
    }
    const configMaps: ConfigMapPlan[] = [];
    const controllers = COLORS.map((color, i) => this.colorController(context, color, images[i], configMaps));
    const ordered = controllers[0].role === this.active ? controllers : [controllers[1], controllers[0]];
    return {
      controllers: ordered,
      configMaps,
      routes: this.previewRoutes(context),
      services: [
        { id: 'Service', name: context.workloadName, selector: variantSelector(context, ReleaseLabels.COLOR, this.active) },
        { id: 'PreviewService', name: `${context.workloadName}-preview`, selector: variantSelector(context, ReleaseLabels.COLOR, this.preview) },
      ],
    };
  }

  /** The main route and, with a previewHost, a route of that host to `<name>-preview`. */
  private previewRoutes(context: ReleaseContext): RoutePlan[] | undefined {
    const host = this.options.previewHost;
    if (host === undefined) return undefined;
    checkDnsSubdomain(context.scope, 'release.previewHost', host);
    if (!context.route) {
      throw PatternError.invalidProp(context.scope, 'release.previewHost', host, 'needs the service exposed: give it `expose: { host }` (the preview host goes through the same edge)');
    }
    const preview = `${context.workloadName}-preview`;
    return [
      { id: 'Route', name: context.route.name, backends: [{ serviceName: context.workloadName }] },
      { id: 'PreviewRoute', name: `${context.route.name}-preview`, host, backends: [{ serviceName: preview }] },
    ];
  }

  private colorController(context: ReleaseContext, color: ReleaseColor, image: string, configMaps: ConfigMapPlan[]): ControllerPlan {
    const name = `${context.workloadName}-${color}`;
    const title = color === 'blue' ? 'Blue' : 'Green';
    const selector = variantSelector(context, ReleaseLabels.COLOR, color);
    let variant: PodVariant = { image, selector };
    const own = this.options[color]?.config;
    if (own !== undefined) {
      const config = { ...(context.config ?? {}), ...stringify(context, `release.${color}.config`, own) };
      const sorted: Record<string, string> = {};
      for (const key of Object.keys(config).sort()) sorted[key] = config[key];
      configMaps.push({ id: `${title}ConfigMap`, name: `${name}-config`, extraLabels: { [ReleaseLabels.COLOR]: color }, data: sorted });
      variant = { ...variant, configMapName: `${name}-config`, config: sorted };
    }
    return {
      id: `${title}Deployment`, name, role: color, kind: 'Deployment', variant,
      extraLabels: { [ReleaseLabels.COLOR]: color }, strategy: this.strategy,
      replicas: context.replicas, minReplicas: context.minReplicas, maxReplicas: context.maxReplicas,
    };
  }
}

function stringify(context: ReleaseContext, prop: string, config: Readonly<Record<string, string | number | boolean>>): Record<string, string> {
  const data: Record<string, string> = {};
  for (const key of Object.keys(config)) {
    checkEnvName(context.scope, prop, key);
    data[key] = String(config[key]);
  }
  return data;
}
