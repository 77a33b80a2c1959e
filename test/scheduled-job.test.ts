// ScheduledJob: a hardened CronJob wired like any workload.
import { App, Duration } from 'cdk8s';
import { DatabaseEngine, Environment, ResilientMicroservice, ScheduledJob, ScheduledJobProps, StatefulDatabase } from '../lib';
import { validateApp } from '../lib/synthesis';
import { findObject, podSpecOf, synth, testPlatform } from './support/objects';

function build(props: Partial<ScheduledJobProps> = {}) {
  const { platform } = testPlatform();
  const job = new ScheduledJob(platform, 'nightly-report', { image: 'shop/reports:1.0.0', schedule: '0 2 * * *', ...props });
  return { platform, job, objects: synth(platform) };
}

test('a CronJob whose runs never overlap, give up on time and clean up', () => {
  const { objects } = build();
  const cron = findObject(objects, 'CronJob', 'nightly-report');
  expect(cron.spec).toMatchObject({
    schedule: '0 2 * * *', timeZone: 'Etc/UTC', concurrencyPolicy: 'Forbid', startingDeadlineSeconds: 600,
    successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 3,
  });
  expect(cron.spec.jobTemplate.spec).toMatchObject({ backoffLimit: 2, activeDeadlineSeconds: 3600, ttlSecondsAfterFinished: 86400 });
});

test('its pod is hardened like every other, with its own ServiceAccount', () => {
  const { objects } = build({ timeout: Duration.minutes(30) });
  const pod = podSpecOf(findObject(objects, 'CronJob', 'nightly-report'));
  expect(pod.restartPolicy).toBe('Never');
  expect(pod.serviceAccountName).toBe('nightly-report');
  expect(pod.automountServiceAccountToken).toBe(false);
  expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } });
  expect(pod.containers[0].securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
  expect(pod.containers[0].resources.limits).toHaveProperty('memory');
  expect(findObject(objects, 'ServiceAccount', 'nightly-report').automountServiceAccountToken).toBe(false);
});

test('connectTo a database allows exactly that flow and injects the connection env', () => {
  const { platform } = testPlatform();
  const db = new StatefulDatabase(platform, 'postgres', { engine: DatabaseEngine.postgres() });
  const users = new ResilientMicroservice(platform, 'users', { image: 'shop/users:1.0.0' });
  const job = new ScheduledJob(platform, 'nightly-report', { image: 'shop/reports:1.0.0', schedule: '@daily' });
  job.connectTo(db);
  job.allowTo(users);
  const objects = synth(platform);
  const egress = findObject(objects, 'NetworkPolicy', 'nightly-report').spec.egress;
  expect(egress.map((r: any) => r.ports[0].port)).toEqual([53, 5432, 8080]);
  expect(findObject(objects, 'NetworkPolicy', 'postgres').spec.ingress).toContainEqual(expect.objectContaining({
    from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'nightly-report', 'app.kubernetes.io/instance': 'nightly-report' } } }],
  }));
  const env = podSpecOf(findObject(objects, 'CronJob', 'nightly-report')).containers[0].env.map((e: any) => e.name);
  expect(env).toContain('DATABASE_HOST');
  expect(env).not.toContain('USERS_URL');
});

test.each([
  [{ schedule: 'every night' }, /^\[shop\/nightly-report\] schedule \("every night"\) is not a valid cron schedule/],
  [{ name: 'a-name-that-is-far-too-long-for-a-cron-job-because-jobs-add-11' }, /name \(".*"\) must be a DNS-1123 label.*at most 52 characters/],
  [{ retries: 20 }, /retries \(20\) must be an integer from 0 to 10/],
  [{ image: 'shop/reports' }, /image \("shop\/reports"\) must name a pinned version/],
])('bad props: %p', (props, message) => {
  expect(() => build(props)).toThrow(message);
});

test('secrets by reference are checked and declared external, so the job passes the kit\'s validation', () => {
  const { platform } = testPlatform();
  new ScheduledJob(platform, 'nightly-report', {
    image: 'shop/reports:1.0.0', schedule: '@daily', secretEnv: { REPORT_TOKEN: { secretName: 'report-token', key: 'token' } },
  });
  const { charts, report } = validateApp(platform.node.root as App);
  expect(report.errors).toEqual([]);
  expect(podSpecOf(findObject(charts[0].objects as any[], 'CronJob', 'nightly-report')).containers[0].env)
    .toContainEqual({ name: 'REPORT_TOKEN', valueFrom: { secretKeyRef: { name: 'report-token', key: 'token' } } });
  expect(() => build({ secretEnv: { REPORT_TOKEN: { secretName: 'report-token', key: 'a key' } } }))
    .toThrow(/^\[shop\/nightly-report\] secretEnv\.REPORT_TOKEN\.key \("a key"\) must be a Secret key/);
});

describe('ScheduledJob metrics', () => {
  test('a metrics port: container port, Prometheus ingress on it, scrape annotations and a PodMonitor on the job\'s pods', () => {
    // given
    const { platform } = testPlatform();
    // when
    const job = new ScheduledJob(platform, 'report', { image: 'registry.example.com/report:1.0.0', schedule: '@daily', metrics: { port: 9091, path: '/stats' } });
    const objects = synth(platform);
    // then
    const pod = podSpecOf(findObject(objects, 'CronJob', 'report'));
    expect(pod.containers[0].ports).toEqual([{ name: 'metrics', containerPort: 9091, protocol: 'TCP' }]);
    expect(findObject(objects, 'NetworkPolicy', 'report').spec.ingress).toEqual([{
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } } }],
      ports: [{ port: 9091, protocol: 'TCP' }],
    }]);
    const monitor = findObject(objects, 'PodMonitor', 'report');
    expect(monitor.metadata.labels.release).toBe('kube-prometheus-stack');
    expect(monitor.spec).toEqual({
      jobLabel: 'app.kubernetes.io/name',
      selector: { matchLabels: job.podSelector },
      podMetricsEndpoints: [{ port: 'metrics', path: '/stats', interval: '15s', scheme: 'http' }],
    });
  });

  test('no PodMonitor where the environment has metrics off unless asked; a bad port or path is refused', () => {
    const { platform } = testPlatform({ environment: Environment.DEVELOPMENT });
    new ScheduledJob(platform, 'a', { image: 'registry.example.com/a:1.0.0', schedule: '@daily', metrics: { port: 9091 } });
    new ScheduledJob(platform, 'b', { image: 'registry.example.com/b:1.0.0', schedule: '@daily', metrics: { port: 9091, podMonitor: true } });
    const objects = synth(platform);
    expect(objects.filter((o) => o.kind === 'PodMonitor').map((o) => o.metadata.name)).toEqual(['b']);
    expect(() => new ScheduledJob(platform, 'c', { image: 'registry.example.com/c:1.0.0', schedule: '@daily', metrics: { port: 0 } }))
      .toThrow('[shop/c] metrics.port (0) must be an integer from 1 to 65535');
    expect(() => new ScheduledJob(platform, 'd', { image: 'registry.example.com/d:1.0.0', schedule: '@daily', metrics: { port: 9091, path: 'stats' } }))
      .toThrow('[shop/d] metrics.path ("stats") must be an absolute path');
  });
});
