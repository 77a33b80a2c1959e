// User policy: rules, waivers and external objects registered on an app or a platform, collected at synth.
import { ApiObject, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { PatternError } from '../errors';
import { checkKubernetesVersion, KubernetesVersion } from '../kubernetes-version';
import { FindingLike, KubeObject, Severity } from './finding';
import { InsecureOptIn, insecureOptInsOf } from './insecure-opt-ins';

/** A rule of the user's own: a typed function over the object set. */
export interface ValidationRule {
  /** A stable id, e.g. `acme/team-label`; findings, reports and waivers use it. */
  readonly id: string;
  /** One line on what the rule wants and why. */
  readonly description: string;
  /**
   * Severity of the findings that do not set their own.
   * @default 'error'
   */
  readonly severity?: Severity;
  /** Returns one finding per problem; the objects are those of the scope the rule was added to. */
  check(objects: readonly KubeObject[]): readonly FindingLike[];
}

/** Names the object a waiver applies to. */
export interface ObjectSelector {
  readonly kind: string;
  readonly name: string;
  /** @default - any namespace */
  readonly namespace?: string;
}

/** A rule switched off for one object, with the reason written into the object. */
export interface Waiver extends ObjectSelector {
  readonly ruleId: string;
  readonly reason: string;
  /**
   * Construct path of the scope it was declared on; it applies to objects under it.
   * @default '' (every object)
   */
  readonly scopePath?: string;
}

/** An object that exists outside the output, declared so references to it pass. */
export interface ExternalDeclaration extends ObjectSelector {
  /**
   * Construct path of the scope it was declared on; references from objects under it may use it.
   * @default '' (every object)
   */
  readonly scopePath?: string;
}

/** A kind declared to exist in the target clusters (`Validation.of(scope).declareKind`). */
export interface KindDeclaration {
  readonly apiVersion: string;
  readonly kind: string;
  /**
   * Construct path of the scope it was declared on; it applies to objects under it.
   * @default '' (every object)
   */
  readonly scopePath?: string;
}

/** The Kubernetes minor the objects under a scope are for (a Platform's `kubernetesVersion`). */
export interface KubernetesTarget {
  readonly version: KubernetesVersion;
  /** Construct path of the scope; objects under it are checked against the version. */
  readonly scopePath: string;
}

/** A user rule with the scope it applies to. */
export interface ScopedRule {
  readonly rule: ValidationRule;
  /** @default '' (every object) */
  readonly scopePath?: string;
}

/** Everything users registered under one root, as `validateObjects` takes it. */
export interface UserPolicy {
  readonly rules: readonly ScopedRule[];
  readonly waivers: readonly Waiver[];
  readonly externals: readonly ExternalDeclaration[];
  readonly kinds: readonly KindDeclaration[];
  /** The insecure opt-ins the kit's constructs recorded on their objects. */
  readonly insecureOptIns: readonly InsecureOptIn[];
  /** The Kubernetes minors the Platforms under the root target. */
  readonly kubernetesTargets: readonly KubernetesTarget[];
}

/** The annotation a waived object carries: `cdk8s-patterns.io/waived-<rule id, '/' written as '.'>`. */
export function waiverAnnotation(ruleId: string): string {
  return `cdk8s-patterns.io/waived-${ruleId.replace(/\//g, '.')}`;
}

const RULE_ID = /^[a-z0-9]([-a-z0-9./]*[a-z0-9])?$/;
const REGISTRIES = new WeakMap<IConstruct, Validation>();

/**
 * The validation settings of an app or a platform: user rules, waivers and external objects. Settings on a
 * platform apply to its objects; settings on the app to every object.
 */
export class Validation {
  /** The registry of the Chart (Platform) that `scope` is in, or of the app when it is in none. */
  public static of(scope: IConstruct): Validation {
    let owner: IConstruct = scope.node.root;
    for (let node: IConstruct | undefined = scope; node; node = node.node.scope) {
      if (Chart.isChart(node)) {
        owner = node;
        break;
      }
    }
    let registry = REGISTRIES.get(owner);
    if (!registry) {
      registry = new Validation(owner);
      REGISTRIES.set(owner, registry);
    }
    return registry;
  }

  /** Everything registered under `root`, in tree order. */
  public static collect(root: IConstruct): UserPolicy {
    const rules: ScopedRule[] = [];
    const waivers: Waiver[] = [];
    const externals: ExternalDeclaration[] = [];
    const kinds: KindDeclaration[] = [];
    const insecureOptIns: InsecureOptIn[] = [];
    const kubernetesTargets: KubernetesTarget[] = [];
    for (const node of root.node.findAll()) {
      insecureOptIns.push(...insecureOptInsOf(node));
      const registry = REGISTRIES.get(node);
      if (!registry) continue;
      rules.push(...registry._rules.map((rule) => ({ rule, scopePath: node.node.path })));
      waivers.push(...registry._waivers);
      externals.push(...registry._externals);
      kinds.push(...registry._kinds);
      if (registry._kubernetesVersion) kubernetesTargets.push({ version: registry._kubernetesVersion, scopePath: node.node.path });
    }
    return { rules, waivers, externals, kinds, insecureOptIns, kubernetesTargets };
  }

  private readonly _rules: ValidationRule[] = [];
  private readonly _waivers: Waiver[] = [];
  private readonly _externals: ExternalDeclaration[] = [];
  private readonly _externalKeys = new Set<string>();
  private readonly _kinds: KindDeclaration[] = [];
  private _kubernetesVersion?: KubernetesVersion;

  private constructor(public readonly scope: IConstruct) {}

  /** Adds a rule run over the scope's objects at synth; returns it. */
  public addRule(rule: ValidationRule): ValidationRule {
    if (typeof rule.id !== 'string' || rule.id.length > 56 || !RULE_ID.test(rule.id)) {
      throw PatternError.invalidProp(this.scope, 'addRule.id', rule.id,
        'must be lower-case letters, digits, \'-\', \'.\' and \'/\', at most 56 characters (it becomes part of the waiver annotation)');
    }
    if (this._rules.some((r) => r.id === rule.id)) {
      throw PatternError.invalidProp(this.scope, 'addRule.id', rule.id, 'is already registered here: rule ids must be unique');
    }
    this._rules.push(rule);
    return rule;
  }

  /**
   * Switches a rule off for one object. The reason is required and is written into the object as the annotation
   * `cdk8s-patterns.io/waived-<rule id with '/' as '.'>`, so reviewers of the YAML see it.
   */
  public waive(ruleId: string, object: ObjectSelector, reason: string): Waiver {
    if (typeof reason !== 'string' || reason.trim().length < 3) {
      throw PatternError.invalidProp(this.scope, 'waive.reason', reason, 'must say why the rule does not apply (a sentence a reviewer can judge)');
    }
    if (typeof ruleId !== 'string' || !RULE_ID.test(ruleId)) {
      throw PatternError.invalidProp(this.scope, 'waive.ruleId', ruleId, 'must be a rule id such as "policy/read-only-root-filesystem"');
    }
    const waiver: Waiver = { ...object, ruleId, reason: reason.trim(), scopePath: this.scope.node.path };
    this._waivers.push(waiver);
    return waiver;
  }

  /**
   * Declares that an object referenced by pods exists outside the output (a Secret created by an operator or by
   * hand, a pre-provisioned PVC), so the reference checks accept it.
   */
  public declareExternal(kind: string, name: string, options: { readonly namespace?: string } = {}): void {
    // Each declared once: a set of keys, as a platform of thousands of services declares thousands of Secrets.
    const key = JSON.stringify([kind, name, options.namespace ?? null]);
    if (this._externalKeys.has(key)) return;
    this._externalKeys.add(key);
    this._externals.push({ kind, name, namespace: options.namespace, scopePath: this.scope.node.path });
  }

  /**
   * Declares that the target clusters serve a kind the kit does not know (a custom resource whose operator is
   * installed there, without a schema the kit validates), so objects of it are not reported as `api/unknown-kind`.
   * Objects of it are still cross-checked, and listed as unchecked by the schema check.
   */
  public declareKind(apiVersion: string, kind: string): void {
    if (typeof apiVersion !== 'string' || !/^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?v[0-9]+[a-z0-9]*$/.test(apiVersion)) {
      throw PatternError.invalidProp(this.scope, 'declareKind.apiVersion', apiVersion, 'must be "<group>/<version>" (e.g. "acme.io/v1") or a core version');
    }
    if (typeof kind !== 'string' || !/^[A-Z][A-Za-z0-9]*$/.test(kind)) {
      throw PatternError.invalidProp(this.scope, 'declareKind.kind', kind, 'must be a kind in PascalCase, e.g. "Widget"');
    }
    if (this._kinds.some((k) => k.apiVersion === apiVersion && k.kind === kind)) return;
    this._kinds.push({ apiVersion, kind, scopePath: this.scope.node.path });
  }

  /**
   * Declares the Kubernetes minor the scope's objects are for: validation then refuses API versions that minor does
   * not serve. A Platform declares its `kubernetesVersion`.
   */
  public targetKubernetes(version: KubernetesVersion): void {
    this._kubernetesVersion = checkKubernetesVersion(this.scope, 'targetKubernetes', version);
  }

  /** The kinds declared here. */
  public get kinds(): readonly KindDeclaration[] {
    return this._kinds;
  }

  /** The rules added here. */
  public get rules(): readonly ValidationRule[] {
    return this._rules;
  }

  /** The waivers declared here. */
  public get waivers(): readonly Waiver[] {
    return this._waivers;
  }

  /** The external objects declared here. */
  public get externals(): readonly ExternalDeclaration[] {
    return this._externals;
  }
}

/** Writes each waiver's annotation into the ApiObjects it applies to, before they are resolved. */
export function annotateWaivedObjects(root: IConstruct, waivers: readonly Waiver[]): void {
  if (waivers.length === 0) return;
  const objects = root.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject);
  for (const waiver of waivers) {
    for (const object of objects) {
      if (waiverMatches(waiver, object.kind, object.metadata.namespace ?? '', object.name, object.node.path)) {
        object.metadata.addAnnotation(waiverAnnotation(waiver.ruleId), waiver.reason);
      }
    }
  }
}

/** Whether a waiver or declaration covers an object, given the object's construct path. */
export function waiverMatches(selector: ObjectSelector & { readonly scopePath?: string }, kind: string, namespace: string,
  name: string, constructPath: string): boolean {
  return selector.kind === kind && selector.name === name
    && (selector.namespace === undefined || selector.namespace === namespace)
    && isUnder(constructPath, selector.scopePath ?? '');
}

/** Whether a construct path is `scope` or below it ('' is the root, above everything). */
export function isUnder(path: string, scope: string): boolean {
  // `path` starts with `${scope}/`, without building that string for every object of the set.
  return scope === '' || path === '' || path === scope || (path.startsWith(scope) && path[scope.length] === '/');
}
