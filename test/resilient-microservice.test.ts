// ResilientMicroservice: every resource and default asserted on the synthesized objects, and every bad-prop error.
import { Duration } from 'cdk8s';
import { Environment, Probe, Release, ResilientMicroservice, ResilientMicroserviceProps } from '../lib';
import { inApplyOrder, validateApp } from '../lib/synthesis';
import { optInFindings } from './support/findings';
import { findObject, K8sObject, objectsOfKind, podSpecOf, synth, testPlatform } from './support/objects';

function build(props: Partial<ResilientMicroserviceProps> = {}, id = 'orders') {
  const { app, platform } = testPlatform();
  const service = new ResilientMicroservice(platform, id, { image: 'shop/orders:1.2.0', ...props });
  return { app, platform, service, objects: synth(platform) };
}

function mainContainer(objects: K8sObject[], name = 'orders'): K8sObject {
  return podSpecOf(findObject(objects, 'Deployment', name)).containers[0];
}

describe('ResilientMicroservice: Deployment', () => {
  test('has no replicas when an HPA owns the count, and a zero-downtime rolling update', () => {
    const { objects } = build();
    const spec = findObject(objects, 'Deployment', 'orders').spec;
    expect(spec.replicas).toBeUndefined();
    expect(spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } });
    expect(spec.revisionHistoryLimit).toBe(5);
    expect(spec.selector.matchLabels).toEqual({
      'app.kubernetes.io/name': 'orders', 'app.kubernetes.io/instance': 'orders', 'cdk8s-patterns.io/track': 'stable',
    });
  });

  test('Recreate strategy is one prop away', () => {
    const { objects } = build({ release: Release.recreate() });
    expect(findObject(objects, 'Deployment', 'orders').spec.strategy).toEqual({ type: 'Recreate' });
  });

  test('a fixed replica count when autoscaling is off', () => {
    const { objects } = build({ autoscaling: false, replicas: 3 });
    expect(findObject(objects, 'Deployment', 'orders').spec.replicas).toBe(3);
    expect(objectsOfKind(objects, 'HorizontalPodAutoscaler')).toHaveLength(0);
  });

  test('pod template labels carry the selector, the standard labels and the image version', () => {
    const { objects } = build();
    const labels = findObject(objects, 'Deployment', 'orders').spec.template.metadata.labels;
    expect(labels).toMatchObject({
      'app.kubernetes.io/name': 'orders',
      'app.kubernetes.io/instance': 'orders',
      'app.kubernetes.io/component': 'backend',
      'app.kubernetes.io/part-of': 'shop',
      'app.kubernetes.io/managed-by': 'cdk8s-patterns',
      'app.kubernetes.io/version': '1.2.0',
      'environment': 'production',
    });
  });

  test('a dedicated ServiceAccount with no token automount, on the account and on the pod', () => {
    const { objects } = build();
    const account = findObject(objects, 'ServiceAccount', 'orders');
    expect(account.automountServiceAccountToken).toBe(false);
    const pod = podSpecOf(findObject(objects, 'Deployment', 'orders'));
    expect(pod.serviceAccountName).toBe('orders');
    expect(pod.automountServiceAccountToken).toBe(false);
  });

  test('pod and container security contexts meet Pod Security "restricted" with uid above 10000', () => {
    const { objects } = build();
    const pod = podSpecOf(findObject(objects, 'Deployment', 'orders'));
    expect(pod.securityContext).toEqual({
      runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001,
      fsGroupChangePolicy: 'OnRootMismatch', seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.containers[0].securityContext).toEqual({
      runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, allowPrivilegeEscalation: false, privileged: false,
      readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' },
    });
  });

  test('a writable emptyDir at /tmp beside the read-only root', () => {
    const { objects } = build();
    const pod = podSpecOf(findObject(objects, 'Deployment', 'orders'));
    expect(pod.containers[0].volumeMounts).toEqual([{ name: 'app-tmp', mountPath: '/tmp' }]);
    expect(pod.volumes).toEqual([{ name: 'app-tmp', emptyDir: { sizeLimit: '64Mi' } }]);
  });

  test('allowWritableRootFilesystem opts out of the read-only root', () => {
    const { objects } = build({ allowWritableRootFilesystem: true });
    expect(mainContainer(objects).securityContext.readOnlyRootFilesystem).toBe(false);
  });

  test('liveness /health, readiness /ready and a startup probe, all on the named port', () => {
    const { objects } = build();
    const c = mainContainer(objects);
    expect(c.livenessProbe).toEqual({ httpGet: { path: '/health', port: 'http' }, initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 });
    expect(c.readinessProbe).toEqual({ httpGet: { path: '/ready', port: 'http' }, initialDelaySeconds: 0, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 3 });
    expect(c.startupProbe).toMatchObject({ httpGet: { path: '/health', port: 'http' }, periodSeconds: 5, failureThreshold: 30 });
  });

  test('probes can be TCP or exec with their own timings, and startup can be turned off', () => {
    const { objects } = build({
      probes: {
        liveness: Probe.tcp({ initialDelay: Duration.seconds(30), period: Duration.seconds(10) }),
        readiness: Probe.exec(['cat', '/tmp/ready'], { period: Duration.seconds(5) }),
        startup: false,
      },
    });
    const c = mainContainer(objects);
    expect(c.livenessProbe).toMatchObject({ tcpSocket: { port: 'http' }, initialDelaySeconds: 30 });
    expect(c.readinessProbe).toMatchObject({ exec: { command: ['cat', '/tmp/ready'] }, periodSeconds: 5 });
    expect(c.startupProbe).toBeUndefined();
  });

  test('requests and limits for CPU, memory and ephemeral storage, limits twice the requests by default', () => {
    const { objects } = build({ resources: { requests: { cpu: '200m', memory: '256Mi' } } });
    expect(mainContainer(objects).resources).toEqual({
      requests: { 'cpu': '200m', 'memory': '256Mi', 'ephemeral-storage': '64Mi' },
      limits: { 'cpu': '400m', 'memory': '512Mi', 'ephemeral-storage': '256Mi' },
    });
  });

  test('spread over zones and nodes, plus preferred anti-affinity per node', () => {
    const { objects } = build();
    const pod = podSpecOf(findObject(objects, 'Deployment', 'orders'));
    const selector = { matchLabels: { 'app.kubernetes.io/name': 'orders', 'app.kubernetes.io/instance': 'orders' } };
    expect(pod.topologySpreadConstraints).toEqual([
      { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: selector },
      { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: selector },
    ]);
    expect(pod.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0])
      .toEqual({ weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: selector } });
  });

  test('graceful shutdown: a grace period and a preStop pause', () => {
    const { objects } = build({ terminationGracePeriod: Duration.seconds(45), preStopDelay: Duration.seconds(10) });
    const pod = podSpecOf(findObject(objects, 'Deployment', 'orders'));
    expect(pod.terminationGracePeriodSeconds).toBe(45);
    // Kubernetes 1.34 (the default target) has the sleep action GA: no sleep binary needed in the image.
    expect(pod.containers[0].lifecycle).toEqual({ preStop: { sleep: { seconds: 10 } } });
  });

  test('images are pulled Always under the default compatibility profile', () => {
    const { objects } = build();
    expect(mainContainer(objects).imagePullPolicy).toBe('Always');
  });

  test('sidecars and init containers are hardened like the main container', () => {
    const { objects } = build({
      sidecars: [{ name: 'log-shipper', image: 'fluent/fluent-bit:3.1.9', native: false }],
      initContainers: [{ name: 'wait-for-db', image: 'busybox:1.36.1', command: ['sh', '-c', 'until nc -z db 5432; do sleep 1; done'] }],
    });
    const pod = podSpecOf(findObject(objects, 'Deployment', 'orders'));
    expect(pod.containers.map((c: K8sObject) => c.name)).toEqual(['app', 'log-shipper']);
    expect(pod.initContainers.map((c: K8sObject) => c.name)).toEqual(['wait-for-db']);
    for (const c of [...pod.containers, ...pod.initContainers]) {
      expect(c.securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
      expect(c.resources.requests).toHaveProperty('cpu');
      expect(c.resources.limits).toHaveProperty('memory');
    }
    expect(pod.containers[1].resources.requests).toMatchObject({ cpu: '50m', memory: '64Mi' });
  });
});

describe('ResilientMicroservice: Service, HPA, PDB', () => {
  test('a ClusterIP Service with a named port selects the pods', () => {
    const { objects } = build({ port: 9000 });
    const svc = findObject(objects, 'Service', 'orders');
    expect(svc.spec).toEqual({
      type: 'ClusterIP',
      selector: { 'app.kubernetes.io/name': 'orders', 'app.kubernetes.io/instance': 'orders' },
      ports: [{ name: 'http', port: 9000, targetPort: 'http', protocol: 'TCP' }],
    });
  });

  test('an autoscaling/v2 HPA on CPU 70 % and memory 80 % with scale-down stabilization', () => {
    const { objects } = build();
    const hpa = findObject(objects, 'HorizontalPodAutoscaler', 'orders');
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.spec.minReplicas).toBe(2);
    expect(hpa.spec.maxReplicas).toBe(10);
    expect(hpa.spec.metrics).toEqual([
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
      { type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 80 } } },
    ]);
    expect(hpa.spec.behavior.scaleDown.stabilizationWindowSeconds).toBe(300);
  });

  test('autoscaling bounds come from the environment profile', () => {
    const { platform } = testPlatform({ environment: Environment.DEVELOPMENT });
    new ResilientMicroservice(platform, 'orders', { image: 'shop/orders:1.2.0' });
    const hpa = findObject(synth(platform), 'HorizontalPodAutoscaler', 'orders');
    expect([hpa.spec.minReplicas, hpa.spec.maxReplicas]).toEqual([2, 3]);
  });

  test('a policy/v1 PDB that lets one pod go at a time and always lets unhealthy pods be evicted', () => {
    const { objects } = build();
    const pdb = findObject(objects, 'PodDisruptionBudget', 'orders');
    expect(pdb.apiVersion).toBe('policy/v1');
    expect(pdb.spec).toEqual({
      maxUnavailable: 1,
      selector: { matchLabels: { 'app.kubernetes.io/name': 'orders', 'app.kubernetes.io/instance': 'orders', 'cdk8s-patterns.io/track': 'stable' } },
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
    });
  });
});

describe('ResilientMicroservice: configuration and secrets', () => {
  test('config becomes a ConfigMap exposed through envFrom, with a content hash on the pod', () => {
    const { objects } = build({ config: { LOG_LEVEL: 'info', CACHE_TTL: 300 } });
    expect(findObject(objects, 'ConfigMap', 'orders-config').data).toEqual({ CACHE_TTL: '300', LOG_LEVEL: 'info' });
    expect(mainContainer(objects).envFrom).toEqual([{ configMapRef: { name: 'orders-config' } }]);
    const hash = findObject(objects, 'Deployment', 'orders').spec.template.metadata.annotations['cdk8s-patterns.io/config-hash'];
    expect(hash).toMatch(/^[0-9a-f]{16}$/);
  });

  test('a config change changes the hash, so pods roll', () => {
    const hashOf = (level: string) => findObject(build({ config: { LOG_LEVEL: level } }).objects, 'Deployment', 'orders')
      .spec.template.metadata.annotations['cdk8s-patterns.io/config-hash'];
    expect(hashOf('info')).not.toEqual(hashOf('debug'));
    expect(hashOf('info')).toEqual(hashOf('info'));
  });

  test('config files are mounted read-only from their own ConfigMap', () => {
    const { objects } = build({ configFiles: { 'app.yaml': 'port: 8080\n' }, configMountPath: '/etc/orders' });
    expect(findObject(objects, 'ConfigMap', 'orders-files').data).toEqual({ 'app.yaml': 'port: 8080\n' });
    expect(mainContainer(objects).volumeMounts).toContainEqual({ name: 'config-files', mountPath: '/etc/orders', readOnly: true });
    expect(podSpecOf(findObject(objects, 'Deployment', 'orders')).volumes).toContainEqual({ name: 'config-files', configMap: { name: 'orders-files' } });
  });

  test('secrets by reference: env from a Secret key and files from a Secret, no value in the YAML', () => {
    const { objects } = build({
      secretEnv: { DATABASE_URL: { secretName: 'db-credentials', key: 'url' } },
      secretFiles: [{ secretName: 'tls-client', mountPath: '/etc/tls', keys: ['tls.crt'] }],
    });
    const c = mainContainer(objects);
    expect(c.env).toContainEqual({ name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: 'db-credentials', key: 'url' } } });
    expect(c.volumeMounts).toContainEqual({ name: 'secret-0', mountPath: '/etc/tls', readOnly: true });
    expect(objectsOfKind(objects, 'Secret')).toHaveLength(0);
  });

  test('plaintext secrets only on explicit opt-in, and then recorded (an error in production)', () => {
    const { app, objects } = build({ insecurePlaintextSecrets: { API_KEY: 'not-for-production' } });
    expect(findObject(objects, 'Secret', 'orders-plaintext').stringData).toEqual({ API_KEY: 'not-for-production' });
    expect(mainContainer(objects).env).toContainEqual({ name: 'API_KEY', valueFrom: { secretKeyRef: { name: 'orders-plaintext', key: 'API_KEY' } } });
    expect(optInFindings(app)).toEqual([expect.stringMatching(/^\[shop\/orders\/PlaintextSecret\] error policy\/insecure-opt-in Secret\/shop\/orders-plaintext: found insecurePlaintextSecrets: 1 secret value/)]);
  });
});

describe('ResilientMicroservice: wiring and NetworkPolicy', () => {
  test('connectTo allows egress on the client, ingress on the server, on the server port only, and injects its URL', () => {
    const { platform } = testPlatform();
    const users = new ResilientMicroservice(platform, 'users', { image: 'shop/users:1.0.0', port: 8081 });
    const orders = new ResilientMicroservice(platform, 'orders', { image: 'shop/orders:1.2.0' });
    orders.connectTo(users);
    const objects = synth(platform);
    const usersSelector = { matchLabels: { 'app.kubernetes.io/name': 'users', 'app.kubernetes.io/instance': 'users' } };
    const ordersSelector = { matchLabels: { 'app.kubernetes.io/name': 'orders', 'app.kubernetes.io/instance': 'orders' } };
    const ordersPolicy = findObject(objects, 'NetworkPolicy', 'orders');
    expect(ordersPolicy.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(ordersPolicy.spec.egress).toContainEqual({ to: [{ podSelector: usersSelector }], ports: [{ port: 8081, protocol: 'TCP' }] });
    expect(ordersPolicy.spec.ingress ?? []).toEqual([]);
    const usersPolicy = findObject(objects, 'NetworkPolicy', 'users');
    expect(usersPolicy.spec.ingress).toEqual([{ from: [{ podSelector: ordersSelector }], ports: [{ port: 8081, protocol: 'TCP' }] }]);
    expect(mainContainer(objects).env).toContainEqual({ name: 'USERS_URL', value: 'http://users.shop.svc.cluster.local:8081' });
  });

  test('every workload policy allows DNS egress and nothing else unwired', () => {
    const { objects } = build();
    const policy = findObject(objects, 'NetworkPolicy', 'orders');
    expect(policy.spec.egress).toHaveLength(1);
    expect(policy.spec.egress[0].ports).toEqual([{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }]);
  });

  test('allowFrom declares the same flow from the server side', () => {
    const { platform } = testPlatform();
    const users = new ResilientMicroservice(platform, 'users', { image: 'shop/users:1.0.0' });
    const orders = new ResilientMicroservice(platform, 'orders', { image: 'shop/orders:1.2.0' });
    users.allowFrom(orders);
    const objects = synth(platform);
    expect(findObject(objects, 'NetworkPolicy', 'users').spec.ingress).toHaveLength(1);
    expect(findObject(objects, 'NetworkPolicy', 'orders').spec.egress).toHaveLength(2);
  });

  test('a metrics port gets scrape annotations and ingress from the Prometheus pods of the monitoring namespace', () => {
    const { objects } = build({ metrics: { port: 9090 } });
    const annotations = findObject(objects, 'Deployment', 'orders').spec.template.metadata.annotations;
    expect(annotations).toMatchObject({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9090', 'prometheus.io/path': '/metrics' });
    expect(findObject(objects, 'NetworkPolicy', 'orders').spec.ingress).toContainEqual({
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } } }],
      ports: [{ port: 9090, protocol: 'TCP' }],
    });
  });

  test('a VerticalPodAutoscaler in recommendation mode on request', () => {
    const { objects } = build({ verticalPodAutoscaler: true });
    const vpa = findObject(objects, 'VerticalPodAutoscaler', 'orders');
    expect(vpa.spec.updatePolicy).toEqual({ updateMode: 'Off' });
    expect(vpa.spec.targetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'orders' });
  });
});

describe('ResilientMicroservice: bad props fail at synth with the path, prop and value', () => {
  const cases: Array<[string, Partial<ResilientMicroserviceProps>, RegExp]> = [
    ['invalid DNS-1123 name', { name: 'Orders_Service' }, /^\[shop\/orders\] name \("Orders_Service"\) must be a DNS-1123 label/],
    ['port out of range', { port: 70000 }, /^\[shop\/orders\] port \(70000\) must be an integer from 1 to 65535/],
    ['minReplicas above maxReplicas', { autoscaling: { minReplicas: 5, maxReplicas: 3 } }, /^\[shop\/orders\] autoscaling\.minReplicas \(5\) must not exceed maxReplicas \(3\)/],
    ['CPU utilization above 100', { autoscaling: { targetCpuUtilization: 120 } }, /autoscaling\.targetCpuUtilization \(120\) must be an integer from 1 to 100/],
    ['memory utilization of 0', { autoscaling: { targetMemoryUtilization: 0 } }, /autoscaling\.targetMemoryUtilization \(0\) must be an integer from 1 to 100/],
    ['CPU that does not parse', { resources: { requests: { cpu: 'lots' } } }, /resources\.requests\.cpu \("lots"\) must be a positive CPU quantity/],
    ['memory that does not parse', { resources: { requests: { memory: '12 MB' } } }, /resources\.requests\.memory \("12 MB"\) must be a positive size/],
    ['limit below request', { resources: { requests: { memory: '512Mi' }, limits: { memory: '256Mi' } } }, /resources\.limits\.memory \("256Mi"\) must not be below the request \(512Mi\)/],
    ['image without a tag', { image: 'shop/orders' }, /image \("shop\/orders"\) must name a pinned version/],
    ['image tagged latest', { image: 'shop/orders:latest' }, /image \("shop\/orders:latest"\) must name a pinned version/],
    ['duplicate env names', { env: { DATABASE_URL: 'x' }, secretEnv: { DATABASE_URL: { secretName: 'db', key: 'url' } } }, /env \("DATABASE_URL"\) is set twice/],
    ['probe path without a leading slash', { probes: { liveness: Probe.http('health') } }, /probes\.liveness\.path \("health"\) must start with "\/"/],
    ['replicas while autoscaling', { replicas: 3 }, /replicas \(3\) must not be set while autoscaling is on/],
    ['invalid env name', { env: { 'LOG-LEVEL': 'x' } }, /env \("LOG-LEVEL"\) must be a valid environment variable name/],
    ['metrics on the serving port', { metrics: { port: 8080 } }, /metrics\.port \(8080\) must differ from port \(8080\)/],
    ['both surge and unavailability zero', { release: Release.rollingUpdate({ maxSurge: 0, maxUnavailable: 0 }) }, /release\.strategy\.maxSurge \(0\) and maxUnavailable must not both be zero/],
  ];
  test.each(cases)('%s', (_name, props, message) => {
    expect(() => build(props)).toThrow(message);
  });

  test('the error is the kit\'s own type, never a library TypeError', () => {
    try {
      build({ port: -1 });
      throw new Error('expected an error');
    } catch (e) {
      expect((e as Error).name).toBe('PatternError');
    }
  });
});

describe('ResilientMicroservice: snapshot', () => {
  test('a fully configured service', () => {
    const { platform } = testPlatform();
    const users = new ResilientMicroservice(platform, 'users', { image: 'shop/users:1.0.0' });
    const orders = new ResilientMicroservice(platform, 'orders', {
      image: 'shop/orders:1.2.0',
      port: 8080,
      resources: { requests: { cpu: '200m', memory: '256Mi' } },
      autoscaling: { minReplicas: 3, maxReplicas: 12 },
      config: { LOG_LEVEL: 'info' },
      configFiles: { 'app.yaml': 'feature: on\n' },
      secretEnv: { DATABASE_URL: { secretName: 'db-credentials', key: 'url' } },
      sidecars: [{ name: 'log-shipper', image: 'fluent/fluent-bit:3.1.9' }],
      initContainers: [{ name: 'migrate', image: 'shop/orders-migrate:1.2.0' }],
      metrics: { port: 9090 },
      verticalPodAutoscaler: true,
    });
    orders.connectTo(users);
    // In apply order, so the snapshot does not depend on the order the constructs were created in.
    expect(inApplyOrder(synth(platform).filter((o) => o.metadata.name.startsWith('orders')))).toMatchSnapshot();
  });
});

describe('ResilientMicroservice: sidecars and the kit\'s validation', () => {
  test('a portless sidecar needs no probes; a sidecar with ports gets its own and passes', () => {
    const { app, platform } = testPlatform();
    new ResilientMicroservice(platform, 'orders', {
      image: 'shop/orders:1.2.0',
      sidecars: [
        { name: 'log-shipper', image: 'fluent/fluent-bit:3.1.9' },
        {
          name: 'proxy', image: 'envoyproxy/envoy:v1.31.2', ports: [{ name: 'proxy', port: 15001 }],
          probes: { liveness: Probe.tcp(), readiness: Probe.http('/ready', { port: 15001 }) },
        },
      ],
    });
    const { charts, report } = validateApp(app);
    expect(report.errors).toEqual([]);
    // Native sidecars by default on Kubernetes 1.34: both are init containers with restartPolicy Always.
    const proxy = podSpecOf(findObject(charts[0].objects as K8sObject[], 'Deployment', 'orders')).initContainers
      .find((c: K8sObject) => c.name === 'proxy');
    expect(proxy.livenessProbe).toMatchObject({ tcpSocket: { port: 'proxy' } });
    expect(proxy.readinessProbe).toMatchObject({ httpGet: { path: '/ready', port: 15001 } });
  });

  test('a sidecar that serves a port without probes fails validation, naming the container', () => {
    const { app, platform } = testPlatform();
    new ResilientMicroservice(platform, 'orders', {
      image: 'shop/orders:1.2.0',
      sidecars: [{ name: 'proxy', image: 'envoyproxy/envoy:v1.31.2', ports: [{ name: 'proxy', port: 15001 }] }],
    });
    const { report } = validateApp(app);
    // A native sidecar runs all along the main container: it needs probes like one beside it.
    expect(report.errors.map((f) => `${f.ruleId} ${f.fieldPath}`)).toEqual([
      'policy/probes spec.template.spec.initContainers[0].livenessProbe',
      'policy/probes spec.template.spec.initContainers[0].readinessProbe',
    ]);
  });
});
