// Test helpers: synthesize a chart and find objects by kind and name (never by array index).
import { App, Chart, Testing } from 'cdk8s';
import { Environment, Platform, PlatformProps } from '../../lib';

/** A synthesized object, loosely typed for assertions. */
export type K8sObject = Record<string, any>;

/** A fresh app with one Platform (namespace `shop`, production unless said otherwise). */
export function testPlatform(props: PlatformProps = {}): { app: App; platform: Platform } {
  const app = Testing.app();
  const platform = new Platform(app, 'shop', { environment: Environment.PRODUCTION, ...props });
  return { app, platform };
}

/** The chart's objects, as `cdk8s synth` would write them. */
export function synth(chart: Chart): K8sObject[] {
  return Testing.synth(chart) as K8sObject[];
}

/** The one object of this kind and name; fails the test with the list of what exists otherwise. */
export function findObject(objects: readonly K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.filter((o) => o.kind === kind && o.metadata?.name === name);
  if (found.length !== 1) {
    const existing = objects.map((o) => `${o.kind}/${o.metadata?.name}`).join(', ');
    throw new Error(`expected exactly one ${kind}/${name}, found ${found.length} among: ${existing}`);
  }
  return found[0];
}

/** Every object of a kind. */
export function objectsOfKind(objects: readonly K8sObject[], kind: string): K8sObject[] {
  return objects.filter((o) => o.kind === kind);
}

/** The containers of a workload's pod template (Deployment, StatefulSet) or CronJob. */
export function podSpecOf(workload: K8sObject): K8sObject {
  return workload.kind === 'CronJob' ? workload.spec.jobTemplate.spec.template.spec : workload.spec.template.spec;
}
