// One pass over the object set: objects grouped by kind and namespace, pod templates found for every workload kind,
// so each check looks things up instead of scanning the whole set again.
import { FindingSubject, KubeObject, objectRef, ValidationInput } from './finding';

/** An object of the set with what the checks look it up by. */
export interface IndexedObject extends FindingSubject {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  /** The cluster and namespace: objects reference each other only within one scope. */
  readonly scope: string;
  /** Escape-hatch edits the output lost. */
  readonly droppedEdits: readonly { readonly fieldPath: string; readonly value: unknown }[];
  /** The annotations its construct set itself, when it said. */
  readonly ownAnnotations?: Readonly<Record<string, string>>;
}

/** A container of a pod template, with its field path. */
export interface PodContainer {
  readonly container: KubeObject;
  readonly path: string;
  /** The list it is in. */
  readonly field: 'initContainers' | 'containers' | 'ephemeralContainers';
  readonly init: boolean;
}

/** A pod template inside a workload (or a bare Pod), with where it sits in the object. */
export interface PodTemplate {
  readonly owner: IndexedObject;
  /** Dotted path of the template (`spec.template`), '' for a Pod. */
  readonly path: string;
  readonly labels: Readonly<Record<string, string>>;
  /** The pod spec (may be empty on a broken object). */
  readonly spec: KubeObject;
  /** Dotted path of the pod spec. */
  readonly specPath: string;
  /** The template's metadata (the object's own for a Pod). */
  readonly metadata: KubeObject | undefined;
  /** Every container (init, regular, ephemeral), listed once for all the checks. */
  readonly containers: readonly PodContainer[];
}

/** A Kubernetes label selector. */
export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly { key: string; operator: string; values?: readonly string[] }[];
}

/** Where each workload kind keeps its pod template. */
const POD_TEMPLATE_PATHS: Readonly<Record<string, readonly string[]>> = {
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  ReplicationController: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
  Rollout: ['spec', 'template'],
  Pod: [],
};

/** The kinds whose objects run pods (and so are targets of Services, PDBs, HPAs and policies). */
export const WORKLOAD_KINDS: readonly string[] = Object.keys(POD_TEMPLATE_PATHS);

/** Shared by the objects without dropped edits (nearly all of them), instead of an empty list each. */
const NO_EDITS: IndexedObject['droppedEdits'] = [];

/** The object set, grouped once. */
export class ObjectIndex {
  public readonly all: IndexedObject[] = [];
  public readonly podTemplates: PodTemplate[] = [];
  private readonly byKey = new Map<string, IndexedObject[]>();
  private readonly byKindScope = new Map<string, IndexedObject[]>();
  private readonly byKind = new Map<string, IndexedObject[]>();
  private readonly templatesByScope = new Map<string, PodTemplate[]>();
  private readonly templatesByOwner = new Map<IndexedObject, PodTemplate>();
  /** Templates by scope and one label `key=value`, so a selector is matched against candidates, not every pod. */
  private readonly templatesByLabel = new Map<string, PodTemplate[]>();
  /** What each selector selects, by scope: the reference, policy and overlap checks ask for the same selectors. */
  private readonly selected = new Map<string, Map<LabelSelector, readonly PodTemplate[]>>();

  constructor(inputs: readonly ValidationInput[]) {
    for (const input of inputs) {
      const json = input.object ?? {};
      const entry: IndexedObject = {
        json,
        constructPath: input.constructPath,
        ref: objectRef(json),
        kind: String(json.kind ?? ''),
        namespace: String(json.metadata?.namespace ?? ''),
        name: String(json.metadata?.name ?? ''),
        scope: `${input.cluster ?? ''}//${json.metadata?.namespace ?? ''}`,
        droppedEdits: input.droppedEdits ?? NO_EDITS,
        ownAnnotations: input.ownAnnotations,
      };
      this.all.push(entry);
      const kindScope = `${entry.kind}/${entry.scope}`;
      push(this.byKindScope, kindScope, entry);
      push(this.byKey, `${kindScope}/${entry.name}`, entry); // key(kind, scope, name), reusing the prefix
      push(this.byKind, entry.kind, entry);
      const template = podTemplateOf(entry);
      if (template) {
        this.podTemplates.push(template);
        this.templatesByOwner.set(entry, template);
        push(this.templatesByScope, entry.scope, template);
        for (const k of Object.keys(template.labels)) push(this.templatesByLabel, labelKey(entry.scope, k, template.labels[k]), template);
      }
    }
  }

  /** Objects of a kind in a scope (an object's `scope`: its cluster and namespace). */
  public ofKind(kind: string, scope: string): readonly IndexedObject[] {
    return this.byKindScope.get(`${kind}/${scope}`) ?? [];
  }

  /** Objects of a kind in every scope, in input order. */
  public everyOfKind(kind: string): readonly IndexedObject[] {
    return this.byKind.get(kind) ?? [];
  }

  /** Every object with this kind and name in a scope (more than one is a duplicate). */
  public find(kind: string, scope: string, name: string): readonly IndexedObject[] {
    return this.byKey.get(key(kind, scope, name)) ?? [];
  }

  /** Every kind/namespace/name shared by more than one object. */
  public duplicates(): IndexedObject[][] {
    const groups: IndexedObject[][] = [];
    for (const group of this.byKey.values()) if (group.length > 1) groups.push(group);
    return groups;
  }

  /** The pod templates of a scope. */
  public templatesIn(scope: string): readonly PodTemplate[] {
    return this.templatesByScope.get(scope) ?? [];
  }

  /** The pod templates of a scope that `selector` selects (none for a missing selector). */
  public templatesMatching(scope: string, selector: LabelSelector | undefined): readonly PodTemplate[] {
    if (!selector) return [];
    let inScope = this.selected.get(scope);
    if (!inScope) {
      inScope = new Map();
      this.selected.set(scope, inScope);
    }
    let matches = inScope.get(selector);
    if (!matches) {
      matches = this.match(scope, selector);
      inScope.set(selector, matches);
    }
    return matches;
  }

  /** The pod templates of a scope whose labels include `labels` (a Service's selector, which one check asks for). */
  public templatesLabelled(scope: string, labels: Readonly<Record<string, string>>): readonly PodTemplate[] {
    return this.match(scope, { matchLabels: labels });
  }

  private match(scope: string, selector: LabelSelector): PodTemplate[] {
    const labels = selector.matchLabels ?? {};
    const first = Object.keys(labels)[0];
    const candidates = first !== undefined ? this.templatesByLabel.get(labelKey(scope, first, labels[first])) ?? [] : this.templatesIn(scope);
    return candidates.filter((t) => selectorMatches(selector, t.labels));
  }

  /** The pod template of a workload object, if it is one. */
  public templateOf(owner: IndexedObject): PodTemplate | undefined {
    return this.templatesByOwner.get(owner);
  }
}

function labelKey(scope: string, key: string, value: string): string {
  return `${scope}\u0000${key}=${value}`;
}

/** Whether `labels` satisfy `selector` (matchLabels and matchExpressions, as the API server evaluates them). */
export function selectorMatches(selector: LabelSelector | undefined, labels: Readonly<Record<string, string>>): boolean {
  if (!selector) return false;
  const matchLabels = selector.matchLabels ?? {};
  for (const k of Object.keys(matchLabels)) {
    if (labels[k] !== matchLabels[k]) return false;
  }
  for (const expression of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, expression.key);
    const values = expression.values ?? [];
    switch (expression.operator) {
      case 'In': if (!has || !values.includes(labels[expression.key])) return false; break;
      case 'NotIn': if (has && values.includes(labels[expression.key])) return false; break;
      case 'Exists': if (!has) return false; break;
      case 'DoesNotExist': if (has) return false; break;
      default: return false;
    }
  }
  return true;
}

/** Whether a selector is empty (`{}`), which selects every pod of the namespace. */
export function isEmptySelector(selector: LabelSelector | undefined): boolean {
  return !!selector && Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0;
}

/** Each kind's template path, also dotted as findings spell it, joined once rather than for every object. */
const TEMPLATE_LOCATIONS: Readonly<Record<string, { readonly segments: readonly string[]; readonly dotted: string; readonly specPath: string }>> =
  Object.fromEntries(Object.entries(POD_TEMPLATE_PATHS).map(([kind, segments]) => {
    const dotted = segments.join('.');
    return [kind, { segments, dotted, specPath: dotted ? `${dotted}.spec` : 'spec' }];
  }));

function podTemplateOf(owner: IndexedObject): PodTemplate | undefined {
  const location = TEMPLATE_LOCATIONS[owner.kind];
  if (!location) return undefined;
  let template: any = owner.json;
  for (const segment of location.segments) template = template?.[segment];
  if (!template || typeof template !== 'object') return undefined;
  const spec = template.spec ?? {};
  const specPath = location.specPath;
  return {
    owner,
    path: location.dotted,
    labels: template.metadata?.labels ?? {},
    spec,
    specPath,
    metadata: template.metadata,
    containers: containersOf(spec, specPath),
  };
}

const CONTAINER_FIELDS = ['initContainers', 'containers', 'ephemeralContainers'] as const;

/** Every container of a pod spec (init, regular, ephemeral) with its field path. */
function containersOf(spec: KubeObject, specPath: string): PodContainer[] {
  const result: PodContainer[] = [];
  for (const field of CONTAINER_FIELDS) {
    (spec[field] ?? []).forEach((container: KubeObject, i: number) =>
      result.push({ container: container ?? {}, path: `${specPath}.${field}[${i}]`, field, init: field === 'initContainers' }));
  }
  return result;
}

function key(kind: string, scope: string, name: string): string {
  return `${kind}/${scope}/${name}`;
}

function push<K, V>(map: Map<K, V[]>, k: K, value: V): void {
  const list = map.get(k);
  if (list) list.push(value);
  else map.set(k, [value]);
}
