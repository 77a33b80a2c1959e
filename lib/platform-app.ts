// PlatformApp: a cdk8s App whose synth() is the kit's synthesize(); a plain App holding a Platform does the same.
import { App, AppProps } from 'cdk8s';
import { checkSupportedAppProps, registerKitSynthesis } from './private/app-synth-hook';
import { synthesize, synthesizeCharts, SynthesizeOptions, toYaml } from './synthesis';

/** Props of a PlatformApp. */
export interface PlatformAppProps extends AppProps {
  /**
   * How `synth()` synthesizes: layout, strict warnings, where warnings go. The folder is `outdir`.
   * @default - one YAML file per platform and environment, warnings on stderr
   */
  readonly synthesizeOptions?: Omit<SynthesizeOptions, 'outdir'>;
}

/**
 * A cdk8s App whose `synth()` runs the kit's synthesis: the construct validations and the kit's validation of
 * every object, apply order, YAML 1.1-safe output, and an atomic write into `outdir` (nothing is written when
 * anything fails). `cdk8s synth` and the kit's `cdk8s-patterns synth` both run it.
 *
 * A plain `App` holding a Platform behaves the same way (the Platform routes its `synth()`); PlatformApp says so
 * in the type and takes the synthesis options.
 */
export class PlatformApp extends App {
  /** The options `synth()` passes to `synthesize`. */
  public readonly synthesizeOptions: Omit<SynthesizeOptions, 'outdir'>;

  constructor(props: PlatformAppProps = {}) {
    super(props);
    this.synthesizeOptions = props.synthesizeOptions ?? {};
  }

  /** Validates and writes every chart into `outdir`; throws a SynthesisError, writing nothing, on any error. */
  public synth(): void {
    checkSupportedAppProps(this, this);
    synthesize(this, { ...this.synthesizeOptions, outdir: this.outdir });
  }

  /** The validated YAML of every chart in apply order; throws a SynthesisError on any error. */
  public synthYaml(): string {
    return appYaml(this);
  }
}

function appYaml(app: App): string {
  return toYaml(synthesizeCharts(app).flatMap((chart) => chart.objects));
}

registerKitSynthesis({
  synth: (app) => synthesize(app, { outdir: app.outdir }),
  synthYaml: appYaml,
});
