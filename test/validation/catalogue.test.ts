// The catalogue: broken inputs (bad props, bad escape-hatch edits, bad hand-written objects), each caught at synth
// with its rule id, construct path and a message that says what was found and what would pass.
import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Platform, ResilientMicroservice, ResilientMicroserviceProps } from '../../lib';
import { validateApp } from '../../lib/synthesis';
import { Finding, formatFinding } from '../../lib/validation';
import { testPlatform } from '../support/objects';

interface Given {
  readonly platform: Platform;
  readonly api: ResilientMicroservice;
}

interface Case {
  /** What is broken. */
  readonly title: string;
  /** Props of the `api` service beyond the image. */
  readonly props?: Partial<ResilientMicroserviceProps>;
  /** The breakage, applied after `api` exists. */
  readonly arrange?: (given: Given) => void;
  readonly rule: string;
  readonly severity?: 'error' | 'warning';
  /** Construct path of the object at fault. */
  readonly at: string;
  /** Matched against the one-line finding (`severity rule object field: found …; expected …`). */
  readonly message: RegExp;
}

const IMAGE = 'registry.example.com/shop/api:1.4.0';
const CONTAINER = '/spec/template/spec/containers/0';
const patch = (g: Given, ...patches: JsonPatch[]) => g.api.deployment.addJsonPatch(...patches);
/** A minimal, otherwise valid workload users might write by hand with the L1 classes. */
const podTemplate = (labels: Record<string, string>, extra: Partial<k8s.PodSpec> = {}): k8s.PodTemplateSpec => ({
  metadata: { labels },
  spec: { containers: [{ name: 'main', image: IMAGE }], ...extra },
});

const CASES: Case[] = [
  // Schema: unknown fields and wrong types, from escape hatches and hand-written objects.
  {
    title: 'a misspelt security field added by a JSON patch (the typed class drops it from the output)',
    arrange: (g) => patch(g, JsonPatch.add(`${CONTAINER}/securityContext/runAsNonRot`, true)),
    rule: 'schema/dropped-edit', at: 'shop/api/Deployment',
    message: /spec\.template\.spec\.containers\[0\]\.securityContext\.runAsNonRot: found true set by a JSON patch, missing from the output; expected a field the apps\/v1 Deployment schema defines/,
  },
  {
    title: 'a field of another kind patched onto the Deployment spec',
    arrange: (g) => patch(g, JsonPatch.add('/spec/serviceName', 'api')),
    rule: 'schema/dropped-edit', at: 'shop/api/Deployment', message: /spec\.serviceName: found "api" set by a JSON patch, missing from the output/,
  },
  {
    title: 'a misspelt field in a hand-written object',
    arrange: (g) => new ApiObject(g.platform, 'Flags', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'flags' }, data: { A: '1' }, immutible: true }),
    rule: 'schema/unknown-field', at: 'shop/Flags',
    message: /ConfigMap\/shop\/flags immutible: found unknown field "immutible"; expected only fields the v1 ConfigMap schema defines \(did you mean "immutable"\?\)/,
  },
  {
    title: 'replicas as a word',
    arrange: (g) => patch(g, JsonPatch.add('/spec/replicas', 'three')),
    rule: 'schema', at: 'shop/api/Deployment', message: /spec\.replicas: found "three"; expected an integer/,
  },
  {
    title: 'a memory limit that is not a quantity',
    arrange: (g) => patch(g, JsonPatch.replace(`${CONTAINER}/resources/limits/memory`, { value: 'lots' })),
    rule: 'schema', at: 'shop/api/Deployment',
    message: /containers\[0\]\.resources\.limits\.memory: found "lots"; expected a number or a quantity such as "500m", "2" or "1Gi"/,
  },
  {
    title: 'a quantity patched as a bare string (the typed class drops it)',
    arrange: (g) => patch(g, JsonPatch.replace(`${CONTAINER}/resources/limits/memory`, '512Mi')),
    rule: 'schema/dropped-edit', at: 'shop/api/Deployment',
    message: /resources\.limits\.memory: found "512Mi" set by a JSON patch, missing from the output; .*patch \{ value: … \}/,
  },
  {
    title: 'the Deployment selector removed',
    arrange: (g) => patch(g, JsonPatch.remove('/spec/selector')),
    rule: 'schema', at: 'shop/api/Deployment', message: /spec\.selector: found missing; expected the field is required/,
  },
  {
    title: 'a Service port given as a name',
    arrange: (g) => g.api.service.addJsonPatch(JsonPatch.replace('/spec/ports/0/port', 'http')),
    rule: 'schema', at: 'shop/api/Service', message: /spec\.ports\[0\]\.port: found "http"; expected an integer/,
  },
  {
    title: 'British spelling in an HPA metric',
    arrange: (g) => g.api.hpa!.addJsonPatch(JsonPatch.add('/spec/metrics/0/resource/target/averageUtilisation', 50)),
    rule: 'schema/dropped-edit', at: 'shop/api/Hpa', message: /spec\.metrics\[0\]\.resource\.target\.averageUtilisation: found 50 set by a JSON patch/,
  },
  {
    title: 'a ServiceMonitor endpoint with a misspelt interval',
    arrange: (g) => new ApiObject(g.platform, 'Monitor', {
      apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', metadata: { name: 'api' },
      spec: { selector: { matchLabels: { app: 'api' } }, endpoints: [{ port: 'http', intervall: '30s' }] },
    }),
    rule: 'schema/unknown-field', at: 'shop/Monitor', message: /spec\.endpoints\[0\]\.intervall: .*monitoring\.coreos\.com\/v1 ServiceMonitor schema .*"interval"/,
  },
  {
    title: 'an Argo Rollout pod template with a misspelt container field',
    arrange: (g) => new ApiObject(g.platform, 'Rollout', {
      apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { name: 'api-rollout' },
      spec: { selector: { matchLabels: { app: 'r' } }, template: { metadata: { labels: { app: 'r' } }, spec: { containers: [{ name: 'a', image: IMAGE, imagePullPolcy: 'Always' }] } } },
    }),
    rule: 'schema/unknown-field', at: 'shop/Rollout', message: /containers\[0\]\.imagePullPolcy: .*did you mean "imagePullPolicy"/,
  },
  {
    title: 'an ExternalSecret refresh interval as a number',
    arrange: (g) => new ApiObject(g.platform, 'Creds', {
      apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', metadata: { name: 'creds' },
      spec: { refreshInterval: 3600, secretStoreRef: { name: 'vault', kind: 'ClusterSecretStore' }, data: [{ secretKey: 'pw', remoteRef: { key: 'db' } }] },
    }),
    rule: 'schema', at: 'shop/Creds', message: /ExternalSecret\/shop\/creds spec\.refreshInterval: found 3600; expected a string/,
  },
  {
    title: 'an ExternalSecret at external-secrets.io/v1beta1, which the operator no longer serves',
    arrange: (g) => new ApiObject(g.platform, 'Creds', {
      apiVersion: 'external-secrets.io/v1beta1', kind: 'ExternalSecret', metadata: { name: 'creds' },
      spec: { secretStoreRef: { name: 'vault', kind: 'ClusterSecretStore' }, data: [{ secretKey: 'pw', remoteRef: { key: 'db' } }] },
    }),
    rule: 'schema/unserved-version', at: 'shop/Creds',
    message: /ExternalSecret\/shop\/creds apiVersion: found "external-secrets.io\/v1beta1"; expected not served by External Secrets Operator since v0.17.0; use external-secrets.io\/v1/,
  },
  {
    title: 'an HTTPRoute at an experimental-channel version',
    arrange: (g) => new ApiObject(g.platform, 'Route', {
      apiVersion: 'gateway.networking.k8s.io/v1alpha2', kind: 'HTTPRoute', metadata: { name: 'web' }, spec: {},
    }),
    rule: 'schema/unserved-version', at: 'shop/Route',
    message: /apiVersion: found "gateway.networking.k8s.io\/v1alpha2"; expected not an API version Gateway API \(standard channel\) serves today for HTTPRoute; use gateway.networking.k8s.io\/v1$/,
  },
  // References between objects.
  {
    title: 'a Service selector that matches no pods',
    arrange: (g) => g.api.service.addJsonPatch(JsonPatch.replace('/spec/selector', { 'app.kubernetes.io/name': 'apj' })),
    rule: 'ref/service-selector', at: 'shop/api/Service',
    message: /spec\.selector: found \{"app.kubernetes.io\/name":"apj"\}; expected labels of some pod template in namespace "shop" \(candidates: Deployment\/api/,
  },
  {
    title: 'a Service targetPort naming no container port',
    arrange: (g) => g.api.service.addJsonPatch(JsonPatch.replace('/spec/ports/0/targetPort', { value: 'web' })),
    rule: 'ref/service-target-port', at: 'shop/api/Service', message: /spec\.ports\[0\]\.targetPort: found "web"; expected a port of the selected containers: http \(8080\)/,
  },
  {
    title: 'a Service targetPort number no container listens on',
    arrange: (g) => g.api.service.addJsonPatch(JsonPatch.replace('/spec/ports/0/targetPort', { value: 9999 })),
    rule: 'ref/service-target-port', at: 'shop/api/Service', message: /targetPort: found 9999; expected a port of the selected containers: http \(8080\)/,
  },
  {
    title: 'an HPA aimed at a Deployment that does not exist',
    arrange: (g) => g.api.hpa!.addJsonPatch(JsonPatch.replace('/spec/scaleTargetRef/name', 'apii')),
    rule: 'ref/hpa-target', at: 'shop/api/Hpa', message: /spec\.scaleTargetRef: found Deployment\/apii, which is not in the output; expected a workload in namespace "shop": Deployment\/api/,
  },
  {
    title: 'a PDB selector that matches no pods',
    arrange: (g) => g.api.pdb.addJsonPatch(JsonPatch.replace('/spec/selector', { matchLabels: { tier: 'none' } })),
    rule: 'ref/pdb-selector', at: 'shop/api/Pdb', message: /spec\.selector: found \{"matchLabels":\{"tier":"none"\}\}; expected a selector matching some pod template/,
  },
  {
    title: 'a PDB with maxUnavailable 0',
    arrange: (g) => g.api.pdb.addJsonPatch(JsonPatch.replace('/spec/maxUnavailable', { value: 0 })),
    rule: 'ref/pdb-blocks-eviction', at: 'shop/api/Pdb', message: /spec\.maxUnavailable: found 0; expected a budget that lets at least one pod be evicted/,
  },
  {
    title: 'a PDB with minAvailable 100%',
    arrange: (g) => g.api.pdb.addJsonPatch(JsonPatch.remove('/spec/maxUnavailable'), JsonPatch.add('/spec/minAvailable', { value: '100%' })),
    rule: 'ref/pdb-blocks-eviction', at: 'shop/api/Pdb', message: /spec\.minAvailable: found "100%" of 2 replica\(s\)/,
  },
  {
    title: 'a PDB whose minAvailable equals the HPA minimum',
    arrange: (g) => g.api.pdb.addJsonPatch(JsonPatch.remove('/spec/maxUnavailable'), JsonPatch.add('/spec/minAvailable', { value: 2 })),
    rule: 'ref/pdb-blocks-eviction', at: 'shop/api/Pdb', message: /spec\.minAvailable: found 2 of 2 replica\(s\)/,
  },
  {
    title: 'a NetworkPolicy selecting no pods',
    arrange: (g) => g.api.networkPolicy.apiObject.addJsonPatch(JsonPatch.replace('/spec/podSelector', { matchLabels: { app: 'gone' } })),
    rule: 'ref/network-policy-selector', at: 'shop/api/NetworkPolicy/Resource', message: /spec\.podSelector: found \{"matchLabels":\{"app":"gone"\}\}/,
  },
  {
    title: 'envFrom naming a ConfigMap that does not exist',
    props: { config: { LOG_LEVEL: 'info' } },
    arrange: (g) => patch(g, JsonPatch.replace(`${CONTAINER}/envFrom/0/configMapRef/name`, 'api-konfig')),
    rule: 'ref/missing-configmap', at: 'shop/api/Deployment',
    message: /envFrom\[0\]\.configMapRef\.name: found "api-konfig", which is not a ConfigMap in the output; expected a ConfigMap in namespace "shop", or one declared external/,
  },
  {
    title: 'a secretKeyRef added by patch to a Secret nobody declared',
    arrange: (g) => patch(g, JsonPatch.add(`${CONTAINER}/env`, [{ name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'api-token', key: 't' } } }])),
    rule: 'ref/missing-secret', at: 'shop/api/Deployment', message: /env\[0\]\.valueFrom\.secretKeyRef\.name: found "api-token".*declareExternal\('Secret', 'api-token'\)/,
  },
  {
    title: 'a ServiceAccount name with a typo',
    arrange: (g) => patch(g, JsonPatch.replace('/spec/template/spec/serviceAccountName', 'ap1')),
    rule: 'ref/missing-service-account', at: 'shop/api/Deployment', message: /spec\.template\.spec\.serviceAccountName: found "ap1", which is not a ServiceAccount/,
  },
  {
    title: 'a volume claiming a PVC that does not exist',
    arrange: (g) => patch(g, JsonPatch.add('/spec/template/spec/volumes/-', { name: 'data', persistentVolumeClaim: { claimName: 'api-data' } })),
    rule: 'ref/missing-pvc', at: 'shop/api/Deployment', message: /persistentVolumeClaim\.claimName: found "api-data", which is not a PersistentVolumeClaim/,
  },
  {
    title: 'a volume mount naming no volume',
    arrange: (g) => patch(g, JsonPatch.add(`${CONTAINER}/volumeMounts/-`, { name: 'cache', mountPath: '/cache' })),
    rule: 'ref/volume-mount', at: 'shop/api/Deployment', message: /volumeMounts\[1\]\.name: found "cache"; expected the name of a volume of the pod: app-tmp/,
  },
  {
    title: 'a probe on a port name the container does not declare',
    arrange: (g) => patch(g, JsonPatch.replace(`${CONTAINER}/livenessProbe/httpGet/port`, { value: 'admin' })),
    rule: 'ref/probe-port', at: 'shop/api/Deployment', message: /livenessProbe\.httpGet\.port: found "admin"; expected a port name of the container: http/,
  },
  {
    title: 'a StatefulSet whose serviceName is not a Service',
    arrange: (g) => new k8s.KubeStatefulSet(g.platform, 'Cache', {
      metadata: { name: 'cache' },
      spec: { serviceName: 'cache-headless', selector: { matchLabels: { app: 'cache' } }, template: podTemplate({ app: 'cache' }) },
    }),
    rule: 'ref/statefulset-service', at: 'shop/Cache', message: /spec\.serviceName: found "cache-headless", which is not a Service in the output; expected a headless Service/,
  },
  {
    title: 'a StatefulSet whose serviceName is a normal ClusterIP Service',
    arrange: (g) => new k8s.KubeStatefulSet(g.platform, 'Cache', {
      metadata: { name: 'cache' },
      spec: { serviceName: 'api', selector: { matchLabels: { app: 'cache' } }, template: podTemplate({ app: 'cache' }) },
    }),
    rule: 'ref/statefulset-service', at: 'shop/Cache', message: /found "api", whose clusterIP is "assigned"; expected a headless Service: clusterIP "None"/,
  },
  {
    title: 'an Ingress backend naming a Service that does not exist',
    arrange: (g) => new k8s.KubeIngress(g.platform, 'Ingress', {
      metadata: { name: 'web' },
      spec: { rules: [{ host: 'shop.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'frontend', port: { number: 80 } } } }] } }] },
    }),
    rule: 'ref/ingress-backend', at: 'shop/Ingress', message: /spec\.rules\[0\]\.http\.paths\[0\]\.backend\.service\.name: found "frontend", which is not a Service in the output; expected a Service in namespace "shop": api/,
  },
  {
    title: 'an Ingress backend on a port the Service does not have',
    arrange: (g) => new k8s.KubeIngress(g.platform, 'Ingress', {
      metadata: { name: 'web' },
      spec: { rules: [{ host: 'shop.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'api', port: { number: 80 } } } }] } }] },
    }),
    rule: 'ref/ingress-backend', at: 'shop/Ingress', message: /backend\.service\.port: found \{"number":80\}; expected a port of Service "api": http \(8080\)/,
  },
  {
    title: 'two ConfigMaps with the same name',
    props: { config: { LOG_LEVEL: 'info' } },
    arrange: (g) => new k8s.KubeConfigMap(g.platform, 'Extra', { metadata: { name: 'api-config' }, data: { A: '1' } }),
    rule: 'ref/duplicate-object', at: 'shop/Extra', message: /metadata\.name: found "api-config"; expected a name no other ConfigMap in the namespace "shop" uses \(also produced by shop\/api\/ConfigMap\)/,
  },
  {
    title: 'an object name with capitals and an underscore',
    arrange: (g) => new k8s.KubeConfigMap(g.platform, 'Bad', { metadata: { name: 'Feature_Flags' }, data: { A: '1' } }),
    rule: 'ref/invalid-name', at: 'shop/Bad', message: /metadata\.name: found "Feature_Flags"; expected a DNS-1123 subdomain .* of at most 253 characters/,
  },
  {
    title: 'a Service name longer than a DNS label',
    arrange: (g) => new k8s.KubeService(g.platform, 'Long', { metadata: { name: 'a'.repeat(64) }, spec: { ports: [{ port: 80 }] } }),
    rule: 'ref/invalid-name', at: 'shop/Long', message: /expected a DNS-1123 label .* of at most 63 characters/,
  },
  // Policy: Pod Security "restricted" and best practices.
  {
    title: 'runAsNonRoot switched off by a JSON patch',
    arrange: (g) => patch(g, JsonPatch.replace(`${CONTAINER}/securityContext/runAsNonRoot`, false)),
    rule: 'policy/run-as-non-root', at: 'shop/api/Deployment', message: /containers\[0\]\.securityContext\.runAsNonRoot: found false; expected true/,
  },
  {
    title: 'uid 0 on the pod',
    arrange: (g) => patch(g, JsonPatch.replace('/spec/template/spec/securityContext/runAsUser', 0)),
    rule: 'policy/run-as-non-root', at: 'shop/api/Deployment', message: /spec\.template\.spec\.securityContext\.runAsUser: found 0; expected a non-zero uid/,
  },
  {
    title: 'a privileged container',
    arrange: (g) => patch(g, JsonPatch.replace(`${CONTAINER}/securityContext/privileged`, true)),
    rule: 'policy/privileged', at: 'shop/api/Deployment', message: /securityContext\.privileged: found true; expected false/,
  },
  {
    title: 'privilege escalation allowed',
    arrange: (g) => patch(g, JsonPatch.replace(`${CONTAINER}/securityContext/allowPrivilegeEscalation`, true)),
    rule: 'policy/privilege-escalation', at: 'shop/api/Deployment', message: /allowPrivilegeEscalation: found true; expected false/,
  },
  {
    title: 'an added SYS_ADMIN capability',
    arrange: (g) => patch(g, JsonPatch.add(`${CONTAINER}/securityContext/capabilities/add`, ['SYS_ADMIN'])),
    rule: 'policy/capabilities', at: 'shop/api/Deployment', message: /capabilities\.add: found \["SYS_ADMIN"\]; expected nothing, or only "NET_BIND_SERVICE"/,
  },
  {
    title: 'capabilities no longer dropped',
    arrange: (g) => patch(g, JsonPatch.remove(`${CONTAINER}/securityContext/capabilities`)),
    rule: 'policy/capabilities', at: 'shop/api/Deployment', message: /capabilities\.drop: found missing; expected \["ALL"\]/,
  },
  {
    title: 'seccomp Unconfined',
    arrange: (g) => patch(g, JsonPatch.replace(`${CONTAINER}/securityContext/seccompProfile/type`, 'Unconfined')),
    rule: 'policy/seccomp', at: 'shop/api/Deployment', message: /seccompProfile\.type: found "Unconfined"; expected "RuntimeDefault" or "Localhost"/,
  },
  {
    title: 'the host network',
    arrange: (g) => patch(g, JsonPatch.add('/spec/template/spec/hostNetwork', true)),
    rule: 'policy/host-namespaces', at: 'shop/api/Deployment', message: /spec\.template\.spec\.hostNetwork: found true; expected false or unset/,
  },
  {
    title: 'a hostPath volume',
    arrange: (g) => patch(g, JsonPatch.add('/spec/template/spec/volumes/-', { name: 'docker', hostPath: { path: '/var/run/docker.sock' } })),
    rule: 'policy/host-path', at: 'shop/api/Deployment', message: /volumes\[1\]\.hostPath: found \{"path":"\/var\/run\/docker.sock"\}; expected no hostPath volumes/,
  },
  {
    title: 'a host port',
    arrange: (g) => patch(g, JsonPatch.add(`${CONTAINER}/ports/0/hostPort`, 8080)),
    rule: 'policy/host-ports', at: 'shop/api/Deployment', message: /ports\[0\]\.hostPort: found 8080; expected unset/,
  },
  {
    title: 'an NFS volume (not allowed by "restricted")',
    arrange: (g) => patch(g, JsonPatch.add('/spec/template/spec/volumes/-', { name: 'share', nfs: { server: 'nfs.example.com', path: '/share' } })),
    rule: 'policy/volume-types', at: 'shop/api/Deployment', message: /volumes\[1\]: found a nfs volume; expected one of the volume types/,
  },
  {
    title: 'an unsafe sysctl',
    arrange: (g) => patch(g, JsonPatch.add('/spec/template/spec/securityContext/sysctls', [{ name: 'kernel.msgmax', value: '65536' }])),
    rule: 'policy/pss-baseline', at: 'shop/api/Deployment', message: /sysctls\[0\]\.name: found "kernel.msgmax"/,
  },
  {
    title: 'no CPU request',
    arrange: (g) => patch(g, JsonPatch.remove(`${CONTAINER}/resources/requests/cpu`)),
    rule: 'policy/resources', at: 'shop/api/Deployment', message: /resources\.requests\.cpu: found missing; expected a quantity/,
  },
  {
    title: 'no readiness probe',
    arrange: (g) => patch(g, JsonPatch.remove(`${CONTAINER}/readinessProbe`)),
    rule: 'policy/probes', at: 'shop/api/Deployment', message: /containers\[0\]\.readinessProbe: found missing; expected a probe/,
  },
  {
    title: 'the image moved to :latest',
    arrange: (g) => patch(g, JsonPatch.replace(`${CONTAINER}/image`, 'registry.example.com/shop/api:latest')),
    rule: 'policy/pinned-image', at: 'shop/api/Deployment', message: /containers\[0\]\.image: found "registry.example.com\/shop\/api:latest"; expected a pinned version/,
  },
  {
    title: 'a password as a literal env value (bad prop)',
    props: { env: { DB_PASSWORD: 'hunter2' } },
    rule: 'policy/secret-env-literal', at: 'shop/api/Deployment', message: /env\[0\]\.value: found a literal value for "DB_PASSWORD"; expected valueFrom\.secretKeyRef/,
  },
  {
    title: 'a writable root filesystem (opt-out prop: a warning)',
    props: { allowWritableRootFilesystem: true },
    rule: 'policy/read-only-root-filesystem', severity: 'warning', at: 'shop/api/Deployment', message: /^warning .*readOnlyRootFilesystem: found false; expected true/,
  },
  {
    title: 'the service account token mounted',
    arrange: (g) => patch(g, JsonPatch.replace('/spec/template/spec/automountServiceAccountToken', true)),
    rule: 'policy/service-account-token', severity: 'warning', at: 'shop/api/Deployment', message: /automountServiceAccountToken: found true; expected false/,
  },
  {
    title: 'one replica behind a PDB (bad props)',
    props: { autoscaling: false, replicas: 1 },
    rule: 'policy/disruption-spreading', severity: 'warning', at: 'shop/api/Deployment', message: /spec\.replicas: found 1; expected at least 2 replicas .*PodDisruptionBudget\/api protects it/,
  },
  {
    title: 'spreading removed from a workload behind a PDB',
    arrange: (g) => patch(g, JsonPatch.remove('/spec/template/spec/topologySpreadConstraints'), JsonPatch.remove('/spec/template/spec/affinity')),
    rule: 'policy/disruption-spreading', severity: 'warning', at: 'shop/api/Deployment', message: /topologySpreadConstraints: found missing; expected topology spread constraints or pod anti-affinity/,
  },
  {
    title: 'secret values in the manifest through the opt-in prop, in production (an error unless waived)',
    props: { insecurePlaintextSecrets: { API_KEY: 'abc' } },
    rule: 'policy/insecure-opt-in', at: 'shop/api/PlaintextSecret', message: /found insecurePlaintextSecrets: 1 secret value\(s\) written into the YAML in plain text; expected secretEnv with an existing Secret; in production/,
  },
  {
    title: 'a Secret with values written by hand (an error unless waived)',
    arrange: (g) => new k8s.KubeSecret(g.platform, 'Token', { metadata: { name: 'token' }, stringData: { TOKEN: 'abc' } }),
    rule: 'policy/plaintext-secret', at: 'shop/Token', message: /stringData: found 1 secret value\(s\) in plain text \(TOKEN\); expected no values in the manifest/,
  },
  {
    title: 'a pod no NetworkPolicy selects (a chart without a default-deny)',
    arrange: (g) => {
      const chart = new Chart(g.platform.node.scope!, 'loose', { namespace: 'loose' });
      new k8s.KubeDeployment(chart, 'Worker', { metadata: { name: 'worker' }, spec: { selector: { matchLabels: { app: 'w' } }, template: podTemplate({ app: 'w' }) } });
    },
    rule: 'policy/network-policy', at: 'loose/Worker', message: /spec\.template\.metadata\.labels: found no NetworkPolicy of type Ingress or Egress selects these pods/,
  },
];

function findingsOf(testCase: Case): { all: Finding[]; match: Finding[] } {
  const { app, platform } = testPlatform();
  const api = new ResilientMicroservice(platform, 'api', { image: IMAGE, ...testCase.props });
  testCase.arrange?.({ platform, api });
  const { report } = validateApp(app);
  const all = [...report.errors, ...report.warnings];
  const match = all.filter((f) => f.ruleId === testCase.rule && f.constructPath === testCase.at && testCase.message.test(formatFinding(f)));
  return { all, match };
}

describe('the catalogue of broken inputs', () => {
  test('has at least 40 distinct cases over at least 35 rules and fields', () => {
    expect(new Set(CASES.map((c) => c.title)).size).toBe(CASES.length);
    expect(CASES.length).toBeGreaterThanOrEqual(40);
    expect(new Set(CASES.map((c) => c.rule)).size).toBeGreaterThanOrEqual(30);
  });

  test.each(CASES.map((c) => [c.title, c] as const))('%s', (_title, testCase) => {
    // given a hardened service, when the breakage is applied and the app validated
    const { all, match } = findingsOf(testCase);
    // then the finding names the rule, the construct path, the field, what was found and what would pass
    if (match.length === 0) throw new Error(`no ${testCase.rule} finding at ${testCase.at} matching ${testCase.message}; got:\n${all.map(formatFinding).join('\n')}`);
    expect(match[0].severity).toBe(testCase.severity ?? 'error');
  });

  test('the unbroken service has no findings at all (so every case above is caused by its breakage)', () => {
    const { all } = findingsOf({ title: 'none', rule: 'none', at: 'none', message: /none/ });
    expect(all.map(formatFinding)).toEqual([]);
  });
});
