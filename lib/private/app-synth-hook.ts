// `app.synth()` of a plain cdk8s App that holds a Platform runs the kit's synthesis (validation, apply order,
// YAML 1.1-safe output, atomic write) instead of cdk8s' unvalidated writer. See docs/adr/0004-app-synth.md.
import { App, YamlOutputType } from 'cdk8s';
import { IConstruct } from 'constructs';
import { PatternError } from '../errors';

/** What the kit's synthesis module provides (registered by lib/platform-app.ts, so no import cycle). */
export interface KitSynthesis {
  /** Validates and writes the app into `app.outdir`, or throws a SynthesisError and writes nothing. */
  synth(app: App): void;
  /** The validated YAML of every chart, in apply order. */
  synthYaml(app: App): string;
}

let kitSynthesis: KitSynthesis | undefined;

/** Called once by the module that defines the kit's synthesis. */
export function registerKitSynthesis(synthesis: KitSynthesis): void {
  kitSynthesis = synthesis;
}

/**
 * Makes the App at the root of `platform` synthesize through the kit. An App whose class defines its own
 * `synth()` (PlatformApp, or the user's subclass) is left as it is.
 */
export function routeAppSynth(platform: IConstruct): void {
  const root = platform.node.root;
  if (!(root instanceof App) || root.synth !== App.prototype.synth) return;
  root.synth = () => loadedKitSynthesis(platform, root).synth(root);
  root.synthYaml = () => loadedKitSynthesis(platform, root).synthYaml(root);
}

function loadedKitSynthesis(platform: IConstruct, app: App): KitSynthesis {
  if (!kitSynthesis) {
    throw new PatternError(platform, 'app.synth() runs the kit\'s synthesis, which was not loaded: import the kit from its package entry (`cdk8s-patterns`) or call synthesize(app)');
  }
  checkSupportedAppProps(platform, app);
  return kitSynthesis;
}

/** cdk8s' App options the kit's synthesis does not follow are refused rather than silently ignored. */
export function checkSupportedAppProps(scope: IConstruct, app: App): void {
  if (app.yamlOutputType !== YamlOutputType.FILE_PER_CHART) {
    throw PatternError.invalidProp(scope, 'App yamlOutputType', YamlOutputType[app.yamlOutputType],
      'is not supported by the kit\'s synthesis, which writes one file per platform and environment: leave it unset, or call synthesize(app, { layout }) with a layout such as gitOpsLayout({ layout: \'per-object\' })');
  }
  if (app.outputFileExtension !== '.k8s.yaml') {
    throw PatternError.invalidProp(scope, 'App outputFileExtension', app.outputFileExtension,
      'is not supported by the kit\'s synthesis (files end in .k8s.yaml): leave it unset, or call synthesize(app, { layout })');
  }
}
