// Policy checks: Pod Security Standards "restricted" and the best practices the checkers in CHECKERS.md enforce.
import { Finding, finding, foundText, KubeObject } from './finding';
import { checkIngressAnnotations, INGRESS_ANNOTATIONS_RULE } from './ingress-annotations';
import { IndexedObject, ObjectIndex, PodTemplate } from './object-index';

/** Rule ids of the policy checks. */
export const PolicyRules = {
  HOST_NAMESPACES: 'policy/host-namespaces',
  HOST_PATH: 'policy/host-path',
  HOST_PORTS: 'policy/host-ports',
  PRIVILEGED: 'policy/privileged',
  PRIVILEGE_ESCALATION: 'policy/privilege-escalation',
  RUN_AS_NON_ROOT: 'policy/run-as-non-root',
  SECCOMP: 'policy/seccomp',
  CAPABILITIES: 'policy/capabilities',
  VOLUME_TYPES: 'policy/volume-types',
  BASELINE: 'policy/pss-baseline',
  RESOURCES: 'policy/resources',
  PROBES: 'policy/probes',
  PINNED_IMAGE: 'policy/pinned-image',
  READ_ONLY_ROOT: 'policy/read-only-root-filesystem',
  SERVICE_ACCOUNT_TOKEN: 'policy/service-account-token',
  SECRET_ENV_LITERAL: 'policy/secret-env-literal',
  NETWORK_POLICY: 'policy/network-policy',
  DISRUPTION_SPREADING: 'policy/disruption-spreading',
  /** Checked with the kit's opt-ins: see `InsecureOptInRules`. */
  PLAINTEXT_SECRET: 'policy/plaintext-secret',
  INGRESS_ANNOTATIONS: INGRESS_ANNOTATIONS_RULE,
} as const;

/** The volume types Pod Security "restricted" allows. */
const RESTRICTED_VOLUMES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);
/** Sysctls Pod Security "baseline" calls safe. */
const SAFE_SYSCTLS = new Set(['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes']);
/** Env var names that hold secrets (Polaris sensitiveContainerEnvVar). */
const SECRET_NAME = /(password|passwd|secret|token|api_?key|private_?key|credential)/i;
/** Kinds whose replicas are interchangeable. */
const STATELESS_KINDS = new Set(['Deployment', 'Rollout', 'ReplicaSet']);
/** Kinds whose pods run to completion: no probes, no spreading expected. */
const RUN_TO_COMPLETION = new Set(['Job', 'CronJob']);
const TRAFFIC_PROBES = ['readinessProbe', 'livenessProbe'];
const HOST_NAMESPACE_FIELDS = ['hostNetwork', 'hostPID', 'hostIPC'];
const POLICY_DIRECTIONS = ['Ingress', 'Egress'];
const DIGEST = /@sha256:[a-f0-9]{64}$/;

/** Runs every policy check over the indexed set. */
export function checkPolicy(index: ObjectIndex, replicas: ReadonlyMap<IndexedObject, number>): Finding[] {
  const findings: Finding[] = [];
  // ServiceAccounts a RoleBinding grants API access to: their pods need the token.
  const bound = new Set(index.everyOfKind('RoleBinding').flatMap((b) => (b.json.subjects ?? [])
    .filter((s: KubeObject) => s?.kind === 'ServiceAccount').map((s: KubeObject) => `${s.namespace ?? b.namespace}/${s.name}`)));
  for (const template of index.podTemplates) {
    findings.push(...checkPodSecurity(template, bound));
    findings.push(...checkContainers(template));
  }
  findings.push(...checkNetworkCoverage(index));
  findings.push(...checkDisruptionSpreading(index, replicas));
  for (const ingress of index.everyOfKind('Ingress')) findings.push(...checkIngressAnnotations(ingress));
  return findings;
}

function checkPodSecurity(template: PodTemplate, boundAccounts: ReadonlySet<string>): Finding[] {
  const findings: Finding[] = [];
  const { owner, spec, specPath: sp } = template;
  const add = (rule: string, path: string, found: unknown, expected: string, severity: 'error' | 'warning' = 'error') =>
    findings.push(finding(rule, severity, owner, path, found, expected));
  for (const field of HOST_NAMESPACE_FIELDS) {
    if (spec[field] === true) add(PolicyRules.HOST_NAMESPACES, `${sp}.${field}`, true, 'false or unset: host namespaces expose the node to the pod');
  }
  (spec.volumes ?? []).forEach((volume: KubeObject, i: number) => {
    if (volume?.hostPath) {
      add(PolicyRules.HOST_PATH, `${sp}.volumes[${i}].hostPath`, volume.hostPath, 'no hostPath volumes: use a PVC, emptyDir, ConfigMap or Secret');
      return;
    }
    const types = Object.keys(volume ?? {}).filter((k) => k !== 'name');
    if (types.some((t) => !RESTRICTED_VOLUMES.has(t))) {
      add(PolicyRules.VOLUME_TYPES, `${sp}.volumes[${i}]`, foundText(`a ${types.join('/')} volume`), `one of the volume types Pod Security "restricted" allows: ${[...RESTRICTED_VOLUMES].join(', ')}`);
    }
  });
  const podContext = spec.securityContext ?? {};
  if (podContext.runAsUser === 0) add(PolicyRules.RUN_AS_NON_ROOT, `${sp}.securityContext.runAsUser`, 0, 'a non-zero uid');
  if (podContext.runAsNonRoot === false) add(PolicyRules.RUN_AS_NON_ROOT, `${sp}.securityContext.runAsNonRoot`, false, 'true');
  (podContext.sysctls ?? []).forEach((sysctl: KubeObject, i: number) => {
    if (!SAFE_SYSCTLS.has(sysctl?.name)) add(PolicyRules.BASELINE, `${sp}.securityContext.sysctls[${i}].name`, sysctl?.name, 'only the sysctls Pod Security "baseline" calls safe');
  });
  if (podContext.windowsOptions?.hostProcess === true) add(PolicyRules.BASELINE, `${sp}.securityContext.windowsOptions.hostProcess`, true, 'false or unset');
  const granted = boundAccounts.has(`${owner.namespace}/${spec.serviceAccountName ?? 'default'}`);
  if (spec.automountServiceAccountToken !== false && !granted) {
    add(PolicyRules.SERVICE_ACCOUNT_TOKEN, `${sp}.automountServiceAccountToken`, spec.automountServiceAccountToken,
      'false: pods that do not call the Kubernetes API should not carry a token', 'warning');
  }
  return findings;
}

function checkContainers(template: PodTemplate): Finding[] {
  const findings: Finding[] = [];
  const { owner, spec } = template;
  const pod = spec.securityContext ?? {};
  const runsToCompletion = RUN_TO_COMPLETION.has(owner.kind);
  for (const { container, path, field: list, init } of template.containers) {
    const add = (rule: string, field: string, found: unknown, expected: string, severity: 'error' | 'warning' = 'error') =>
      findings.push(finding(rule, severity, owner, `${path}.${field}`, found, expected));
    const sc = container.securityContext ?? {};
    if (sc.privileged === true) add(PolicyRules.PRIVILEGED, 'securityContext.privileged', true, 'false');
    if (sc.allowPrivilegeEscalation !== false) add(PolicyRules.PRIVILEGE_ESCALATION, 'securityContext.allowPrivilegeEscalation', sc.allowPrivilegeEscalation, 'false');
    const nonRoot = sc.runAsNonRoot ?? pod.runAsNonRoot;
    if (nonRoot !== true) add(PolicyRules.RUN_AS_NON_ROOT, 'securityContext.runAsNonRoot', sc.runAsNonRoot ?? pod.runAsNonRoot, 'true (here or in the pod\'s securityContext)');
    if (sc.runAsUser === 0) add(PolicyRules.RUN_AS_NON_ROOT, 'securityContext.runAsUser', 0, 'a non-zero uid');
    const seccomp = sc.seccompProfile?.type ?? pod.seccompProfile?.type;
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') {
      add(PolicyRules.SECCOMP, 'securityContext.seccompProfile.type', seccomp, '"RuntimeDefault" or "Localhost" (here or in the pod\'s securityContext)');
    }
    const drop: unknown[] = sc.capabilities?.drop ?? [];
    if (!drop.includes('ALL')) add(PolicyRules.CAPABILITIES, 'securityContext.capabilities.drop', sc.capabilities?.drop, '["ALL"]');
    const added: unknown[] = sc.capabilities?.add ?? [];
    if (added.some((c) => c !== 'NET_BIND_SERVICE')) add(PolicyRules.CAPABILITIES, 'securityContext.capabilities.add', added, 'nothing, or only "NET_BIND_SERVICE"');
    if (sc.procMount !== undefined && sc.procMount !== 'Default') add(PolicyRules.BASELINE, 'securityContext.procMount', sc.procMount, '"Default"');
    if (sc.windowsOptions?.hostProcess === true) add(PolicyRules.BASELINE, 'securityContext.windowsOptions.hostProcess', true, 'false or unset');
    (container.ports ?? []).forEach((port: KubeObject, i: number) => {
      if (port?.hostPort) add(PolicyRules.HOST_PORTS, `ports[${i}].hostPort`, port.hostPort, 'unset: reach the pod through a Service');
    });
    if (sc.readOnlyRootFilesystem !== true) {
      add(PolicyRules.READ_ONLY_ROOT, 'securityContext.readOnlyRootFilesystem', sc.readOnlyRootFilesystem,
        'true, with emptyDir volumes for the paths the app writes to', 'warning');
    }
    if (list === 'ephemeralContainers') continue;
    const requests = container.resources?.requests ?? {};
    const limits = container.resources?.limits ?? {};
    const unsized = 'a quantity: the scheduler and the quota need it';
    if (requests.cpu === undefined) add(PolicyRules.RESOURCES, 'resources.requests.cpu', undefined, unsized);
    if (requests.memory === undefined) add(PolicyRules.RESOURCES, 'resources.requests.memory', undefined, unsized);
    if (limits.memory === undefined) add(PolicyRules.RESOURCES, 'resources.limits.memory', undefined, unsized);
    checkImage(container, add);
    (container.env ?? []).forEach((env: KubeObject, i: number) => {
      if (typeof env?.value === 'string' && env.value !== '' && SECRET_NAME.test(String(env.name))) {
        add(PolicyRules.SECRET_ENV_LITERAL, `env[${i}].value`, foundText(`a literal value for ${JSON.stringify(env.name)}`),
          'valueFrom.secretKeyRef: secret values do not belong in the manifest');
      }
    });
    // Only containers that serve ports take traffic or can hang on it; a portless sidecar (a log shipper) has
    // nothing a probe could ask. A native sidecar (an init container with restartPolicy Always) runs all along.
    const serves = Array.isArray(container.ports) && container.ports.length > 0;
    const runsAlongside = !init || container.restartPolicy === 'Always';
    if (runsAlongside && !runsToCompletion && serves) {
      for (const probe of TRAFFIC_PROBES) {
        if (!container[probe]) add(PolicyRules.PROBES, probe, undefined, 'a probe, so that Kubernetes routes traffic only to ready pods and restarts stuck ones');
      }
    }
  }
  return findings;
}

function checkImage(container: KubeObject, add: (rule: string, field: string, found: unknown, expected: string) => void): void {
  const image = container.image;
  if (typeof image !== 'string') return; // the schema check reports a missing image
  if (DIGEST.test(image)) return;
  const last = image.slice(image.lastIndexOf('/') + 1);
  const tag = last.includes(':') ? last.slice(last.lastIndexOf(':') + 1) : '';
  if (tag === '' || tag === 'latest') {
    add(PolicyRules.PINNED_IMAGE, 'image', image, 'a pinned version: a tag other than "latest" (e.g. "nginx:1.27.3") or a digest');
  }
}

/** Every pod must be selected by a policy of type Ingress and by one of type Egress (default-deny counts). */
function checkNetworkCoverage(index: ObjectIndex): Finding[] {
  // Each policy marks the templates it selects, so the cost follows the matches, not policies × pods.
  const covered = new Map<PodTemplate, Set<string>>();
  for (const policy of index.everyOfKind('NetworkPolicy')) {
    const types = policyTypes(policy.json.spec ?? {});
    for (const template of index.templatesMatching(policy.scope, policy.json.spec?.podSelector)) {
      const seen = covered.get(template) ?? new Set<string>();
      types.forEach((t) => seen.add(t));
      covered.set(template, seen);
    }
  }
  const findings: Finding[] = [];
  for (const template of index.podTemplates) {
    const types = covered.get(template);
    if (types?.has('Ingress') && types.has('Egress')) continue;
    const missing = POLICY_DIRECTIONS.filter((type) => !types?.has(type));
    if (missing.length) {
      findings.push(finding(PolicyRules.NETWORK_POLICY, 'error', template.owner, `${template.path}.metadata.labels`,
        foundText(`no NetworkPolicy of type ${missing.join(' or ')} selects these pods`),
        'a NetworkPolicy selecting the pods with both Ingress and Egress rules (or a default-deny for the namespace)'));
    }
  }
  return findings;
}

/** policyTypes as the API server defaults them: Ingress always, Egress when there are egress rules. */
function policyTypes(spec: KubeObject): string[] {
  if (Array.isArray(spec.policyTypes)) return spec.policyTypes;
  return spec.egress ? ['Ingress', 'Egress'] : ['Ingress'];
}

/** A workload behind a PDB should have more than one replica, spread over nodes, or the budget only delays drains. */
function checkDisruptionSpreading(index: ObjectIndex, replicas: ReadonlyMap<IndexedObject, number>): Finding[] {
  const findings: Finding[] = [];
  const reported = new Set<IndexedObject>();
  for (const pdb of index.everyOfKind('PodDisruptionBudget')) {
    for (const template of index.templatesMatching(pdb.scope, pdb.json.spec?.selector)) {
      if (reported.has(template.owner)) continue;
      reported.add(template.owner);
      const count = replicas.get(template.owner) ?? 1;
      // A stateless workload can always run a second replica; a stateful one needs replication set up, and one
      // instance (e.g. a development database) is a deliberate choice, so only stateless workloads are warned.
      if (count < 2 && STATELESS_KINDS.has(template.owner.kind)) {
        findings.push(finding(PolicyRules.DISRUPTION_SPREADING, 'warning', template.owner, 'spec.replicas', count,
          `at least 2 replicas (or an HPA with minReplicas ≥ 2): PodDisruptionBudget/${pdb.name} protects it`));
      }
      const spec = template.spec;
      const spread = (spec.topologySpreadConstraints ?? []).length > 0 || !!spec.affinity?.podAntiAffinity;
      if (count >= 2 && !spread && !RUN_TO_COMPLETION.has(template.owner.kind)) {
        findings.push(finding(PolicyRules.DISRUPTION_SPREADING, 'warning', template.owner, `${template.specPath}.topologySpreadConstraints`, undefined,
          'topology spread constraints or pod anti-affinity, so that one node drain does not take every replica'));
      }
    }
  }
  return findings;
}
