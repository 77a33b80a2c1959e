// Polaris' default checks (pkg/config/default.yaml) over synthesized objects, and its score: Polaris is a Go binary
// the CI machine does not have, so its checks are restated here from its documentation, each where Polaris runs it
// (per controller, per container, per HPA, PDB, ConfigMap, Ingress or RBAC object), with its severity.
import { K8sObject } from './objects';
import { podTemplateOf, POD_BEARING_KINDS } from './platform-assertions';

type Severity = 'warning' | 'danger';

/** One check run on one object or container. */
export interface PolarisResult {
  readonly check: string;
  readonly severity: Severity;
  /** `Kind/name` and, for a container check, `/container`. */
  readonly subject: string;
  readonly success: boolean;
}

const SEVERITY: Readonly<Record<string, Severity>> = {
  deploymentMissingReplicas: 'warning', priorityClassNotSet: 'warning', tagNotSpecified: 'danger', pullPolicyNotAlways: 'warning',
  readinessProbeMissing: 'warning', livenessProbeMissing: 'warning', metadataAndInstanceMismatched: 'warning',
  pdbDisruptionsIsZero: 'warning', missingPodDisruptionBudget: 'warning', topologySpreadConstraint: 'warning',
  hpaMaxAvailability: 'warning', hpaMinAvailability: 'warning', pdbMinAvailableGreaterThanOrEqualToHPAMinReplicas: 'warning',
  cpuRequestsMissing: 'warning', cpuLimitsMissing: 'warning', memoryRequestsMissing: 'warning', memoryLimitsMissing: 'warning',
  automountServiceAccountToken: 'warning', hostIPCSet: 'danger', hostPathSet: 'warning', hostProcess: 'warning', hostPIDSet: 'danger',
  linuxHardening: 'warning', missingNetworkPolicy: 'warning', notReadOnlyRootFilesystem: 'warning', privilegeEscalationAllowed: 'danger',
  procMount: 'warning', runAsRootAllowed: 'danger', runAsPrivileged: 'danger', dangerousCapabilities: 'danger',
  insecureCapabilities: 'warning', hostNetworkSet: 'danger', hostPortSet: 'warning', tlsSettingsMissing: 'warning',
  sensitiveContainerEnvVar: 'danger', sensitiveConfigmapContent: 'danger', rolePodExecAttach: 'danger',
  clusterrolePodExecAttach: 'danger', rolebindingClusterAdminClusterRole: 'danger', clusterrolebindingClusterAdmin: 'danger',
};

const SENSITIVE = /(password|secret|token|api_?key|private_?key|credential)/i;
const INSECURE_CAPABILITIES = ['CHOWN', 'DAC_OVERRIDE', 'FSETID', 'FOWNER', 'MKNOD', 'NET_RAW', 'SETGID', 'SETUID', 'SETFCAP', 'SETPCAP', 'NET_BIND_SERVICE', 'SYS_CHROOT', 'KILL', 'AUDIT_WRITE'];
const DANGEROUS_CAPABILITIES = ['ALL', 'SYS_ADMIN', 'NET_ADMIN'];

/** Every check Polaris runs on the objects, passed or failed. */
export function polarisResults(objects: readonly K8sObject[]): PolarisResult[] {
  const results: PolarisResult[] = [];
  const add = (check: string, subject: string, success: boolean) => results.push({ check, severity: SEVERITY[check], subject, success });
  for (const o of objects) {
    const subject = `${o.kind}/${o.metadata.name}`;
    if (POD_BEARING_KINDS.includes(o.kind)) controllerChecks(o, objects, (check, success) => add(check, subject, success));
    if (o.kind === 'HorizontalPodAutoscaler') {
      add('hpaMaxAvailability', subject, o.spec.maxReplicas > (o.spec.minReplicas ?? 1));
      add('hpaMinAvailability', subject, (o.spec.minReplicas ?? 1) >= 2);
    }
    if (o.kind === 'PodDisruptionBudget') pdbChecks(o, objects, (check, success) => add(check, subject, success));
    if (o.kind === 'ConfigMap') {
      add('sensitiveConfigmapContent', subject, !Object.entries(o.data ?? {}).some(([k, v]) => SENSITIVE.test(k) && String(v) !== ''));
    }
    if (o.kind === 'Ingress') add('tlsSettingsMissing', subject, (o.spec.tls ?? []).length > 0);
    if (o.kind === 'Role' || o.kind === 'ClusterRole') {
      const execs = (o.rules ?? []).some((r: K8sObject) => (r.resources ?? []).some((res: string) => res === 'pods/exec' || res === 'pods/attach'));
      add(o.kind === 'Role' ? 'rolePodExecAttach' : 'clusterrolePodExecAttach', subject, !execs);
    }
    if (o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding') {
      add(o.kind === 'RoleBinding' ? 'rolebindingClusterAdminClusterRole' : 'clusterrolebindingClusterAdmin', subject, o.roleRef?.name !== 'cluster-admin');
    }
  }
  return results;
}

function controllerChecks(controller: K8sObject, objects: readonly K8sObject[], add: (check: string, success: boolean) => void): void {
  const template = podTemplateOf(controller)!;
  const pod = template.spec;
  const labels: Record<string, string> = template.metadata?.labels ?? {};
  const runsToCompletion = controller.kind === 'CronJob' || controller.kind === 'Job';
  add('hostIPCSet', pod.hostIPC !== true);
  add('hostPIDSet', pod.hostPID !== true);
  add('hostNetworkSet', pod.hostNetwork !== true);
  add('hostPathSet', !(pod.volumes ?? []).some((v: K8sObject) => v.hostPath));
  add('automountServiceAccountToken', pod.automountServiceAccountToken === false);
  add('priorityClassNotSet', typeof pod.priorityClassName === 'string' && pod.priorityClassName !== '');
  add('metadataAndInstanceMismatched', controller.metadata.labels?.['app.kubernetes.io/instance'] === controller.metadata.name);
  // Polaris matches a policy's selector one label at a time (oneOf), so only one-label selectors count.
  add('missingNetworkPolicy', objects.some((p) => p.kind === 'NetworkPolicy' && oneLabelSelects(p.spec.podSelector?.matchLabels, labels)
    && (p.spec.policyTypes ?? []).includes('Ingress') && (p.spec.policyTypes ?? []).includes('Egress')));
  if (controller.kind === 'Deployment') add('deploymentMissingReplicas', controller.spec.replicas === undefined || controller.spec.replicas >= 2);
  if (!runsToCompletion) {
    add('topologySpreadConstraint', (pod.topologySpreadConstraints ?? []).length > 0);
    add('missingPodDisruptionBudget', objects.some((p) => p.kind === 'PodDisruptionBudget' && selectsAll(p.spec.selector?.matchLabels, labels)));
  }
  const containers: [K8sObject, boolean][] = [...(pod.initContainers ?? []).map((c: K8sObject) => [c, true]), ...pod.containers.map((c: K8sObject) => [c, false])];
  for (const [container, init] of containers) containerChecks(container, pod, init || runsToCompletion, add);
}

function containerChecks(c: K8sObject, pod: K8sObject, noProbes: boolean, add: (check: string, success: boolean) => void): void {
  const sc = c.securityContext ?? {};
  const podSc = pod.securityContext ?? {};
  const caps = sc.capabilities ?? {};
  add('tagNotSpecified', /:[^/]+$|@sha256:/.test(c.image) && !c.image.endsWith(':latest'));
  add('pullPolicyNotAlways', c.imagePullPolicy === 'Always');
  if (!noProbes) {
    add('readinessProbeMissing', c.readinessProbe !== undefined);
    add('livenessProbeMissing', c.livenessProbe !== undefined);
  }
  add('cpuRequestsMissing', c.resources?.requests?.cpu !== undefined);
  add('cpuLimitsMissing', c.resources?.limits?.cpu !== undefined);
  add('memoryRequestsMissing', c.resources?.requests?.memory !== undefined);
  add('memoryLimitsMissing', c.resources?.limits?.memory !== undefined);
  add('hostPortSet', !(c.ports ?? []).some((p: K8sObject) => p.hostPort));
  add('hostProcess', sc.windowsOptions?.hostProcess !== true);
  add('notReadOnlyRootFilesystem', sc.readOnlyRootFilesystem === true);
  add('privilegeEscalationAllowed', sc.allowPrivilegeEscalation === false);
  add('procMount', sc.procMount === undefined || sc.procMount === 'Default');
  add('runAsRootAllowed', (sc.runAsNonRoot ?? podSc.runAsNonRoot) === true || (sc.runAsUser ?? podSc.runAsUser ?? 0) > 0);
  add('runAsPrivileged', sc.privileged !== true);
  add('dangerousCapabilities', !(caps.add ?? []).some((cap: string) => DANGEROUS_CAPABILITIES.includes(cap)));
  add('insecureCapabilities', (caps.drop ?? []).includes('ALL') || INSECURE_CAPABILITIES.every((cap) => (caps.drop ?? []).includes(cap)));
  const seccomp = sc.seccompProfile?.type ?? podSc.seccompProfile?.type;
  add('linuxHardening', seccomp === 'RuntimeDefault' || seccomp === 'Localhost' || (caps.drop ?? []).includes('ALL'));
  add('sensitiveContainerEnvVar', !(c.env ?? []).some((e: K8sObject) => SENSITIVE.test(e.name) && typeof e.value === 'string' && e.value !== ''));
}

function pdbChecks(pdb: K8sObject, objects: readonly K8sObject[], add: (check: string, success: boolean) => void): void {
  const zero = pdb.spec.maxUnavailable === 0 || pdb.spec.maxUnavailable === '0%' || pdb.spec.minAvailable === '100%';
  add('pdbDisruptionsIsZero', !zero);
  const hpas = objects.filter((h) => h.kind === 'HorizontalPodAutoscaler');
  for (const hpa of hpas) {
    const target = objects.find((o) => o.kind === hpa.spec.scaleTargetRef.kind && o.metadata.name === hpa.spec.scaleTargetRef.name);
    const labels = target ? podTemplateOf(target)?.metadata?.labels : undefined;
    if (!labels || !selectsAll(pdb.spec.selector?.matchLabels, labels) || typeof pdb.spec.minAvailable !== 'number') continue;
    add('pdbMinAvailableGreaterThanOrEqualToHPAMinReplicas', pdb.spec.minAvailable < (hpa.spec.minReplicas ?? 1));
  }
}

function oneLabelSelects(selector: Record<string, string> | undefined, labels: Record<string, string>): boolean {
  const entries = Object.entries(selector ?? {});
  return entries.length === 1 && labels[entries[0][0]] === entries[0][1];
}

function selectsAll(selector: Record<string, string> | undefined, labels: Record<string, string>): boolean {
  const entries = Object.entries(selector ?? {});
  return entries.length > 0 && entries.every(([k, v]) => labels[k] === v);
}

/** Polaris' score: successes count twice, dangers twice, warnings once (pkg/validator CountSummary.GetScore). */
export function polarisScore(results: readonly PolarisResult[]): number {
  const successes = results.filter((r) => r.success).length;
  const warnings = results.filter((r) => !r.success && r.severity === 'warning').length;
  const dangers = results.filter((r) => !r.success && r.severity === 'danger').length;
  return Math.floor((successes * 2 / (successes * 2 + warnings + dangers * 2)) * 100);
}
