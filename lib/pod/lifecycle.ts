// The pause before SIGTERM: the kubelet's `sleep` action where the target has it GA, an exec of `sleep` before, and
// the one gap of cdk8s-plus-28's L1 this needs filled (its LifecycleHandler predates `sleep`).
import { ApiObject } from 'cdk8s';
import { kubernetesFeatures, KubernetesVersion } from '../kubernetes-version';
import * as k8s from '../private/k8s';
import { sharedPart } from './shared-parts';

/** A lifecycle handler as Kubernetes 1.34 defines it: cdk8s-plus-28's, plus the `sleep` action. */
interface SleepingHandler extends k8s.LifecycleHandler {
  readonly sleep?: { readonly seconds: number };
}

/**
 * The preStop pause of `seconds` (none for 0): `sleep` where the target has it GA (1.34: the image needs no `sleep`
 * binary, no shell), `exec: ['sleep', n]` before. Objects holding a `sleep` action must go through `keepSleepActions`.
 */
export function preStopPause(seconds: number, version: KubernetesVersion): k8s.Lifecycle | undefined {
  if (seconds <= 0) return undefined;
  const sleepAction = kubernetesFeatures(version).sleepAction;
  // One per pause, shared by every container that has it (see sharedPart).
  return sharedPart(`pre-stop:${seconds}/${sleepAction}`, () => {
    const handler: SleepingHandler = sleepAction ? { sleep: { seconds } } : { exec: { command: ['sleep', String(seconds)] } };
    return { preStop: handler };
  });
}

/** Whether a lifecycle holds a `sleep` action. */
export function hasSleepAction(lifecycle: k8s.Lifecycle | undefined): boolean {
  return [lifecycle?.preStop, lifecycle?.postStart].some((h) => (h as SleepingHandler | undefined)?.sleep !== undefined);
}

/**
 * Keeps the `sleep` actions of a pod controller (Deployment, StatefulSet, Job, CronJob, Rollout) in its output. The
 * gap: the k8s.Kube* classes re-serialize their props through cdk8s-plus-28's converters, which know Kubernetes
 * 1.28's fields only and drop `sleep` (a JSON patch is dropped the same way). As RolloutObject does for its template,
 * the object's own output is amended: each container's handlers get back the `sleep` the resolved props hold. The
 * schema check (kubernetes-models, Kubernetes 1.34) validates the result like any other field.
 */
export function keepSleepActions<T extends ApiObject>(object: T): T {
  AMENDED.add(object);
  // One function for every object whose toJson is its class's (the usual case), a closure over any other.
  const own = Object.prototype.hasOwnProperty.call(object, 'toJson') ? object.toJson.bind(object) : undefined;
  Object.defineProperty(object, 'toJson', { configurable: true, value: own ? () => amendJson(object, own()) : amendedToJson });
  return object;
}

/** An object's own toJson, with the `sleep` actions put back (see keepSleepActions). */
function amendedToJson(this: ApiObject): Json {
  return amendJson(this, Object.getPrototypeOf(this).toJson.call(this));
}

function amendJson(object: ApiObject, output: Json): Json {
  restoreSleep(ApiObject.prototype.toJson.call(object), output);
  return output;
}

/** Objects whose own toJson only puts back what the converters dropped (see `restoresDroppedFieldsOnly`). */
const AMENDED = new WeakSet<ApiObject>();

/**
 * Whether the object's own toJson is keepSleepActions', which only puts back fields cdk8s-plus-28's converters
 * dropped: resolution without the converters (synthesis/plain-resolution.ts) gives the same without it.
 */
export function restoresDroppedFieldsOnly(object: ApiObject): boolean {
  return AMENDED.has(object);
}

type Json = Record<string, any>;

function restoreSleep(resolved: Json, output: Json): void {
  const podSpecs: [Json | undefined, Json | undefined][] = [
    [resolved.spec?.template?.spec, output.spec?.template?.spec],
    [resolved.spec?.jobTemplate?.spec?.template?.spec, output.spec?.jobTemplate?.spec?.template?.spec],
  ];
  for (const [from, to] of podSpecs) {
    if (!from || !to) continue;
    for (const list of ['initContainers', 'containers']) {
      (from[list] as Json[] | undefined)?.forEach((container, i) => {
        for (const hook of ['preStop', 'postStart']) {
          const sleep = container.lifecycle?.[hook]?.sleep;
          if (sleep === undefined) continue;
          const target = to[list][i];
          target.lifecycle = { ...target.lifecycle, [hook]: { ...target.lifecycle?.[hook], sleep } };
        }
      });
    }
  }
}
