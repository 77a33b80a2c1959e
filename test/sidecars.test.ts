// Sidecars of a ResilientMicroservice: native sidecars, volumes shared with the main container, secret env, and
// the quota maths of a pod that runs them.
import { DatabaseCredentials, DatabaseEngine, ResilientMicroservice, ScheduledJob, StatefulDatabase } from '../lib';
import { validateApp } from '../lib/synthesis';
import { findObject, podSpecOf, synth, testPlatform } from './support/objects';

const IMAGE = 'registry.example.com/app:1.0.0';
const PROXY = { name: 'proxy', image: 'registry.example.com/proxy:2.0.0', resources: { requests: { cpu: '200m', memory: '64Mi' } } };

describe('sidecars', () => {
  test('a native sidecar is the first init container with restartPolicy Always; a plain one stays beside the main', () => {
    // given
    const { platform } = testPlatform();
    // when
    new ResilientMicroservice(platform, 'orders', {
      image: IMAGE,
      sidecars: [{ ...PROXY, native: true }, { name: 'shipper', image: 'registry.example.com/shipper:1.0.0', native: false }],
      initContainers: [{ name: 'migrate', image: 'registry.example.com/migrate:1.0.0' }],
    });
    const spec = podSpecOf(findObject(synth(platform), 'Deployment', 'orders'));
    // then
    expect(spec.initContainers.map((c: any) => [c.name, c.restartPolicy])).toEqual([['proxy', 'Always'], ['migrate', undefined]]);
    expect(spec.containers.map((c: any) => c.name)).toEqual(['app', 'shipper']);
  });

  test('shared volumes: one emptyDir mounted at one path in the main container and every sidecar; sidecar secret env', () => {
    const { app, platform } = testPlatform();
    new ResilientMicroservice(platform, 'orders', {
      image: IMAGE,
      sharedVolumes: [{ name: 'sockets', mountPath: '/var/run/app', sizeLimit: '16Mi' }],
      sidecars: [{ ...PROXY, native: true, secretEnv: { TOKEN: { secretName: 'proxy-token', key: 'token' } } }],
    });
    const spec = podSpecOf(findObject(synth(platform), 'Deployment', 'orders'));
    expect(spec.volumes).toContainEqual({ name: 'shared-sockets', emptyDir: { sizeLimit: '16Mi' } });
    for (const c of [...spec.containers, ...spec.initContainers]) {
      expect(c.volumeMounts).toContainEqual({ name: 'shared-sockets', mountPath: '/var/run/app' });
    }
    expect(spec.initContainers[0].env).toContainEqual({ name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'proxy-token', key: 'token' } } });
    expect(validateApp(app).report.errors).toEqual([]);
  });

  test('quota: a native sidecar counts with the containers and with each init container after it', () => {
    const { platform } = testPlatform();
    const svc = new ResilientMicroservice(platform, 'orders', {
      image: IMAGE, resources: { requests: { cpu: '100m', memory: '128Mi' } },
      sidecars: [{ ...PROXY, native: true }],
      initContainers: [{ name: 'migrate', image: 'registry.example.com/migrate:1.0.0', resources: { requests: { cpu: '2', memory: '64Mi' } } }],
    });
    const footprint = platform.workloadFootprints.find((f) => f.workload === svc)!;
    expect(footprint.containers.map((c) => c.requests.cpuMillis)).toEqual([100, 200]);
    expect(footprint.initContainers!.map((c) => c.requests.cpuMillis)).toEqual([2200]);
  });

  test('bad shared volumes are refused', () => {
    const { platform } = testPlatform();
    const svc = (id: string, sharedVolumes: any) => new ResilientMicroservice(platform, id, { image: IMAGE, sharedVolumes });
    expect(() => svc('a', [{ name: 'Sockets', mountPath: '/x' }])).toThrow('[shop/a] sharedVolumes[0].name ("Sockets") must be a DNS-1123 label');
    expect(() => svc('b', [{ name: 's', mountPath: 'x' }])).toThrow('sharedVolumes[0].mountPath ("x") must be an absolute path');
    expect(() => svc('c', [{ name: 's', mountPath: '/x' }, { name: 's', mountPath: '/y' }])).toThrow('sharedVolumes ("s") appears twice');
    expect(() => svc('d', [{ name: 's', mountPath: '/x', sizeLimit: 'lots' }])).toThrow('sharedVolumes[0].sizeLimit');
  });
});

describe('sidecar secret files', () => {
  const TLS = { secretName: 'proxy-tls', mountPath: '/etc/proxy/tls', keys: ['tls.crt', 'tls.key'] };

  test('a Secret\'s selected keys mounted read-only into that sidecar only, mode 0440 for the pod\'s fsGroup', () => {
    const { app, platform } = testPlatform();
    new ResilientMicroservice(platform, 'orders', { image: IMAGE, sidecars: [{ ...PROXY, secretFiles: [TLS] }] });
    const spec = podSpecOf(findObject(synth(platform), 'Deployment', 'orders'));
    expect(spec.volumes).toContainEqual({
      name: 'sidecar-0-secret-0',
      secret: { secretName: 'proxy-tls', defaultMode: 0o440, items: [{ key: 'tls.crt', path: 'tls.crt' }, { key: 'tls.key', path: 'tls.key' }] },
    });
    const proxy = spec.initContainers.find((c: any) => c.name === 'proxy');
    expect(proxy.volumeMounts).toContainEqual({ name: 'sidecar-0-secret-0', mountPath: '/etc/proxy/tls', readOnly: true });
    expect(spec.containers[0].volumeMounts.map((m: any) => m.name)).not.toContain('sidecar-0-secret-0');
    // The kubelet gives secret files to root and the fsGroup; the sidecar runs with that very gid, so 0440 reads.
    expect(proxy.securityContext.runAsGroup).toBe(spec.securityContext.fsGroup);
    // The Secret is declared external: the reference checks accept it.
    expect(validateApp(app).report.errors).toEqual([]);
  });

  test('every key when none are selected; two sidecars get volumes of their own', () => {
    const { platform } = testPlatform();
    new ResilientMicroservice(platform, 'orders', {
      image: IMAGE,
      sidecars: [
        { ...PROXY, secretFiles: [{ secretName: 'proxy-tls', mountPath: '/etc/tls' }] },
        { name: 'shipper', image: 'registry.example.com/shipper:1.0.0', secretFiles: [{ secretName: 'shipper-token', mountPath: '/var/run/token' }] },
      ],
    });
    const spec = podSpecOf(findObject(synth(platform), 'Deployment', 'orders'));
    expect(spec.volumes).toContainEqual({ name: 'sidecar-0-secret-0', secret: { secretName: 'proxy-tls', defaultMode: 0o440 } });
    expect(spec.volumes).toContainEqual({ name: 'sidecar-1-secret-0', secret: { secretName: 'shipper-token', defaultMode: 0o440 } });
  });

  test('on a ScheduledJob and a StatefulDatabase as on a service', () => {
    const { app, platform } = testPlatform();
    new ScheduledJob(platform, 'report', { image: IMAGE, schedule: '@daily', sidecars: [{ ...PROXY, secretFiles: [TLS] }] });
    new StatefulDatabase(platform, 'pg', {
      engine: DatabaseEngine.postgres({ version: '16.4', databaseName: 'app' }), storage: '1Gi',
      credentials: DatabaseCredentials.fromExistingSecret('pg-credentials'), sidecars: [{ ...PROXY, secretFiles: [TLS] }],
    });
    const objects = synth(platform);
    for (const spec of [podSpecOf(findObject(objects, 'CronJob', 'report')), podSpecOf(findObject(objects, 'StatefulSet', 'pg'))]) {
      expect(spec.volumes.find((v: any) => v.name === 'sidecar-0-secret-0').secret).toMatchObject({ secretName: 'proxy-tls', defaultMode: 0o440 });
      expect(spec.initContainers.find((c: any) => c.name === 'proxy').volumeMounts).toContainEqual({ name: 'sidecar-0-secret-0', mountPath: '/etc/proxy/tls', readOnly: true });
    }
    expect(validateApp(app).report.errors).toEqual([]);
  });

  test('bad secret files are refused, naming the sidecar and the field', () => {
    const { platform } = testPlatform();
    const svc = (id: string, secretFiles: any) => new ResilientMicroservice(platform, id, { image: IMAGE, sidecars: [{ ...PROXY, secretFiles }] });
    expect(() => svc('a', { secretName: 'x', mountPath: '/x' })).toThrow('[shop/a] sidecars[0].secretFiles ({"secretName":"x","mountPath":"/x"}) must be a list of { secretName, mountPath, keys? }');
    expect(() => svc('b', [{ secretName: 'Bad_Name', mountPath: '/x' }])).toThrow('[shop/b] sidecars[0].secretFiles[0].secretName ("Bad_Name")');
    expect(() => svc('c', [{ secretName: 'tls', mountPath: 'etc/tls' }])).toThrow('[shop/c] sidecars[0].secretFiles[0].mountPath ("etc/tls") must be an absolute path such as "/etc/secrets"');
    expect(() => svc('d', [{ secretName: 'tls', mountPath: '/x', keys: [] }])).toThrow('[shop/d] sidecars[0].secretFiles[0].keys ([]) must list at least one key of the Secret');
    expect(() => svc('e', [{ secretName: 'tls', mountPath: '/x', keys: ['a/b'] }])).toThrow('[shop/e] sidecars[0].secretFiles[0].keys[0] ("a/b") must be a Secret key');
    expect(() => svc('f', [{ secretName: 'tls', mountPath: '/x', keys: ['a', 'a'] }])).toThrow('[shop/f] sidecars[0].secretFiles[0].keys ("a") appears twice');
    expect(() => svc('g', [{ secretName: 'tls', mountPath: '/tmp' }])).toThrow('[shop/g] sidecars[0].secretFiles.mountPath ("/tmp") appears twice');
  });
});

describe('sidecars of jobs and databases', () => {
  test('a ScheduledJob\'s sidecars are always native, so its runs complete; they count in the footprint', () => {
    const { app, platform } = testPlatform();
    const job = new ScheduledJob(platform, 'report', {
      image: 'registry.example.com/report:1.0.0', schedule: '@daily',
      sidecars: [PROXY], sharedVolumes: [{ name: 'out', mountPath: '/out' }],
    });
    const spec = podSpecOf(findObject(synth(platform), 'CronJob', 'report'));
    expect(spec.initContainers.map((c: any) => [c.name, c.restartPolicy])).toEqual([['proxy', 'Always']]);
    expect(spec.containers[0].volumeMounts).toContainEqual({ name: 'shared-out', mountPath: '/out' });
    expect(spec.initContainers[0].volumeMounts).toContainEqual({ name: 'shared-out', mountPath: '/out' });
    expect(platform.workloadFootprints.find((f) => f.workload === job)!.containers.map((c) => c.requests.cpuMillis)).toContain(200);
    expect(validateApp(app).report.errors).toEqual([]);
  });

  test('a StatefulDatabase takes plain and native sidecars beside the engine and its exporter; names stay unique', () => {
    const { app, platform } = testPlatform();
    new StatefulDatabase(platform, 'pg', {
      engine: DatabaseEngine.postgres({ version: '16.4', databaseName: 'app' }), storage: '1Gi', metrics: true,
      credentials: DatabaseCredentials.fromExistingSecret('pg-credentials'),
      sidecars: [{ name: 'audit', image: 'registry.example.com/audit:1.0.0', native: false }, { ...PROXY, native: true }],
      sharedVolumes: [{ name: 'logs', mountPath: '/var/log/audit' }],
    });
    const spec = podSpecOf(findObject(synth(platform), 'StatefulSet', 'pg'));
    expect(spec.containers.map((c: any) => c.name)).toEqual(['database', 'metrics', 'audit']);
    expect(spec.initContainers[0]).toMatchObject({ name: 'proxy', restartPolicy: 'Always' });
    expect(spec.containers[0].volumeMounts).toContainEqual({ name: 'shared-logs', mountPath: '/var/log/audit' });
    expect(validateApp(app).report.errors).toEqual([]);
    expect(() => new StatefulDatabase(platform, 'pg2', {
      engine: DatabaseEngine.redis({ version: '7.2.5', maxMemory: '64Mi' }), storage: '1Gi', metrics: true,
      credentials: DatabaseCredentials.fromExistingSecret('r-credentials'),
      sidecars: [{ name: 'metrics', image: 'registry.example.com/m:1.0.0' }],
    })).toThrow('[shop/pg2] containers ("metrics") appears twice');
  });
});
