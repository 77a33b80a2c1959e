// A workload's opt-in access to the Kubernetes API: typed Role rules, least privilege checked (named verbs and
// resources, no wildcards or escalation, Secrets only by name).
import { IConstruct } from 'constructs';
import { PatternError } from '../errors';
import * as k8s from '../private/k8s';
import { checkDnsSubdomain, checkUnique } from '../private/prop-checks';

/** A verb an API access rule may grant; `escalate`, `bind`, `impersonate` and `*` are never granted. */
export type ApiVerb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

/**
 * One rule of a workload's API access: named verbs on named resources of API groups, in its own namespace.
 * @see https://kubernetes.io/docs/reference/access-authn-authz/rbac/#role-and-clusterrole
 */
export interface ApiAccessRule {
  /**
   * The API groups, e.g. `['coordination.k8s.io']`; `''` is the core group.
   * @default [''] (the core group)
   */
  readonly apiGroups?: readonly string[];
  /** The resources (plural, lower case), e.g. `['configmaps']` or `['leases']`. */
  readonly resources: readonly string[];
  /** The verbs. */
  readonly verbs: readonly ApiVerb[];
  /**
   * Only these objects. Required for `secrets`: a workload reads the Secrets it names, never all of them.
   * @default - every object of the resources in the namespace
   */
  readonly resourceNames?: readonly string[];
}

const API_VERBS: readonly ApiVerb[] = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'];
const RESOURCE_NAME = /^[a-z][a-z0-9]*(\/[a-z]+)?$/;

/** Checks API access rules (least privilege: no wildcards, no escalation, Secrets only by name) into Role rules. */
export function renderApiAccess(scope: IConstruct, rules: readonly ApiAccessRule[]): k8s.PolicyRule[] {
  if (checkRuleList(scope, 'apiAccess', rules).length === 0) {
    throw PatternError.invalidProp(scope, 'apiAccess', [], 'must hold at least one rule (leave it out for no API access)');
  }
  return rules.map((rule, i) => {
    const at = `apiAccess[${i}]`;
    const apiGroups = [...(rule.apiGroups ?? [''])];
    apiGroups.forEach((g) => {
      if (g !== '') checkDnsSubdomain(scope, `${at}.apiGroups`, g);
    });
    const resources = [...checkRuleList(scope, `${at}.resources`, rule.resources ?? [])];
    if (resources.length === 0) throw PatternError.invalidProp(scope, `${at}.resources`, [], 'must name at least one resource, e.g. ["configmaps"]');
    resources.forEach((r) => {
      if (typeof r !== 'string' || !RESOURCE_NAME.test(r)) {
        throw PatternError.invalidProp(scope, `${at}.resources`, r, 'must be a resource\'s plural name (or name/subresource), e.g. "configmaps" or "pods/log"; no wildcards');
      }
    });
    const verbs = [...checkRuleList(scope, `${at}.verbs`, rule.verbs ?? [])];
    if (verbs.length === 0) throw PatternError.invalidProp(scope, `${at}.verbs`, [], `must name at least one verb: ${API_VERBS.join(', ')}`);
    verbs.forEach((v) => {
      if (!API_VERBS.includes(v)) throw PatternError.invalidProp(scope, `${at}.verbs`, v, `must be one of ${API_VERBS.join(', ')} (escalate, bind, impersonate and * are never granted)`);
    });
    const resourceNames = rule.resourceNames === undefined ? undefined : [...checkRuleList(scope, `${at}.resourceNames`, rule.resourceNames)];
    resourceNames?.forEach((n) => checkDnsSubdomain(scope, `${at}.resourceNames`, n));
    if (resources.includes('secrets') && (resourceNames === undefined || resourceNames.length === 0)) {
      throw PatternError.invalidProp(scope, `${at}.resourceNames`, resourceNames, 'must name the Secrets: access to secrets is granted by name only');
    }
    checkUnique(scope, `${at}.verbs`, verbs);
    return { apiGroups, resources, verbs: [...verbs].sort(), ...(resourceNames ? { resourceNames } : {}) };
  });
}

function checkRuleList<T>(scope: IConstruct, prop: string, value: readonly T[]): readonly T[] {
  if (!Array.isArray(value)) throw PatternError.invalidProp(scope, prop, value, 'must be a list');
  return value;
}
