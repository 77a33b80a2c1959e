// The Workload base: what every workload kind shares, the wiring verbs, cdk8s-plus interop and the props guard.
import { Chart } from 'cdk8s';
import * as plus from 'cdk8s-plus-28';
import { ApiGateway, DatabaseEngine, PatternError, Release, ResilientMicroservice, ScheduledJob, StatefulDatabase, Workload } from '../lib';
import { WiringGraph } from '../lib/network/wiring-graph';
import { findObject, K8sObject, synth, testPlatform } from './support/objects';

function allKinds() {
  const { app, platform } = testPlatform();
  const users = new ResilientMicroservice(platform, 'users', { image: 'shop/users:1.0.0' });
  const db = new StatefulDatabase(platform, 'pg', { engine: DatabaseEngine.postgres({ version: '16.4' }) });
  const gateway = new ApiGateway(platform, 'gateway', { hosts: ['shop.example.com'], routes: [{ path: '/', to: users }] });
  const job = new ScheduledJob(platform, 'report', { image: 'shop/report:1.0.0', schedule: '0 2 * * *' });
  return { app, platform, users, db, gateway, job, backup: db.backup! };
}

function policyOf(objects: readonly K8sObject[], name: string): K8sObject {
  return findObject(objects, 'NetworkPolicy', name);
}

describe('Workload base', () => {
  test('the five workload kinds share one base: own ServiceAccount without token, one NetworkPolicy on their pods by one label', () => {
    // given
    const { platform, users, db, gateway, job, backup } = allKinds();
    // when
    const objects = synth(platform);
    // then
    for (const workload of [users, db, gateway, job, backup]) {
      expect(workload).toBeInstanceOf(Workload);
      const account = findObject(objects, 'ServiceAccount', workload.workloadName);
      expect(account.automountServiceAccountToken).toBe(false);
      expect(account.metadata.labels).toEqual(expect.objectContaining(workload.labels));
      expect(policyOf(objects, workload.workloadName).spec.podSelector.matchLabels).toEqual({ 'app.kubernetes.io/instance': workload.workloadName });
      expect(workload.policySelector).toEqual({ 'app.kubernetes.io/instance': workload.workloadName });
      expect(workload.mainContainer.container.name).toBeTruthy();
    }
    expect(backup.workloadName).toBe('pg-backup');
    expect(job.labels['app.kubernetes.io/component']).toBe('job');
  });

  test('an edge takes its kind from its target: a job connecting to a database draws a database edge', () => {
    // given
    const { users, db, job } = allKinds();
    // when
    job.connectTo(db);
    job.connectTo(users, { envPrefix: 'USERS_' });
    // then
    const graph = WiringGraph.of(job);
    expect(graph.edgesFrom(job).map((e) => [e.to.workloadName, e.kind])).toEqual([['pg', 'database'], ['users', 'service']]);
    expect(job.mainContainer.env.map((e) => e.name)).toEqual(expect.arrayContaining(['DATABASE_HOST', 'USERS_USERS_URL']));
  });

  test('allowTo opens the flow without env vars; connectTo to a workload that serves nothing is refused', () => {
    // given
    const { platform, users, job, gateway } = allKinds();
    // when
    job.allowTo(users);
    const objects = synth(platform);
    // then
    expect(job.mainContainer.env).toEqual([]);
    const egress = policyOf(objects, 'report').spec.egress;
    expect(egress).toContainEqual({ to: [{ podSelector: { matchLabels: users.podSelector } }], ports: [{ port: 8080, protocol: 'TCP' }] });
    expect(() => users.connectTo(gateway as any)).toThrow(/\[shop\/users\] connectTo \("shop\/gateway"\) serves no clients/);
    expect(() => users.allowFrom(job)).not.toThrow();
    expect(() => job.allowFrom(users)).toThrow(/\[shop\/report\] allowFrom \("shop\/users"\) cannot reach this workload: it serves no ports/);
  });

  test('JavaScript callers: props that are no object, a missing required prop, a peer that is a string', () => {
    const { platform, users } = allKinds();
    expect(() => new ResilientMicroservice(platform, 'a', undefined as any)).toThrow('[shop/a] props (undefined) must be an object of props');
    expect(() => new ResilientMicroservice(platform, 'b', {} as any)).toThrow('[shop/b] image (undefined) is required');
    expect(() => new StatefulDatabase(platform, 'c', {} as any)).toThrow('[shop/c] engine (undefined) is required');
    expect(() => new ScheduledJob(platform, 'd', { image: 'x/y:1.0' } as any)).toThrow('[shop/d] schedule (undefined) is required');
    expect(() => new ApiGateway(platform, 'e', 'gw' as any)).toThrow('[shop/e] props ("gw") must be an object of props');
    expect(() => users.connectTo('pg' as any)).toThrow(/\[shop\/users\] connectTo \("pg"\) must be a workload of the kit/);
    expect(() => new ResilientMicroservice(platform, 'f', { image: 'x/y:1.0', terminationGracePeriod: 30 as any }))
      .toThrow('[shop/f] terminationGracePeriod (30) must be a cdk8s Duration, e.g. Duration.seconds(30)');
    expect(() => new ResilientMicroservice(platform, 'g', { image: 'x/y:1.0', component: 'Not Valid!' }))
      .toThrow(/\[shop\/g\] component \("Not Valid!"\) must be a label value/);
  });

  test('JavaScript callers: keys that cannot be plain data (__proto__, constructor) are refused with the prop path', () => {
    const { platform } = allKinds();
    const config = JSON.parse('{"GOOD":"1","__proto__":"x"}');
    expect(() => new ResilientMicroservice(platform, 'h', { image: 'x/y:1.0', config }))
      .toThrow('[shop/h] config.__proto__ ("__proto__") cannot be a key');
    expect(() => new ResilientMicroservice(platform, 'i', { image: 'x/y:1.0', configFiles: { constructor: 'x' } as any }))
      .toThrow('[shop/i] configFiles.constructor ("constructor") cannot be a key');
    expect(() => new ScheduledJob(platform, 'j', { image: 'x/y:1.0', schedule: '0 * * * *', command: ['run'], env: JSON.parse('{"prototype":"on"}') }))
      .toThrow('[shop/j] env.prototype ("prototype") cannot be a key');
    expect(platform.node.tryFindChild('h')).toBeUndefined();
  });
});

describe('cdk8s-plus interop', () => {
  test('a cdk8s-plus Deployment wired to a kit service and back: both policies name the other pods', () => {
    // given
    const { app, platform, users } = allKinds();
    const legacy = new Chart(app, 'legacy', { namespace: 'legacy' });
    const worker = new plus.Deployment(legacy, 'worker', { containers: [{ image: 'legacy/worker:2.0', portNumber: 9000 }] });
    // when
    users.allowFrom(worker);
    users.allowTo(worker, [{ port: 9000 }]);
    const objects = synth(platform);
    // then
    const policy = policyOf(objects, 'users').spec;
    const workerLabels = worker.toPodSelectorConfig().labelSelector._toKube();
    const legacyNamespace = { matchLabels: { 'kubernetes.io/metadata.name': 'legacy' } };
    expect(policy.ingress).toContainEqual({ from: [{ podSelector: workerLabels, namespaceSelector: legacyNamespace }], ports: [{ port: 8080, protocol: 'TCP' }] });
    expect(policy.egress).toContainEqual({ to: [{ podSelector: workerLabels, namespaceSelector: legacyNamespace }], ports: [{ port: 9000, protocol: 'TCP' }] });
  });

  test('a kit workload is a cdk8s-plus peer: its pods in its namespace', () => {
    const { users } = allKinds();
    const config = users.toNetworkPolicyPeerConfig();
    expect(config.podSelector!.labelSelector._toKube()).toEqual({ matchLabels: users.podSelector });
    expect(config.podSelector!.namespaces).toEqual({ names: ['shop'] });
    expect(users.toPodSelector()).toBe(users);
  });

  test('allowTo a cdk8s-plus peer needs its ports', () => {
    const { app, users } = allKinds();
    const worker = new plus.Deployment(new Chart(app, 'other'), 'worker', { containers: [{ image: 'legacy/worker:2.0' }] });
    expect(() => users.allowTo(worker)).toThrow(PatternError);
    expect(() => users.allowTo(worker)).toThrow(/allowTo \("other\/worker"\) needs the ports to allow/);
  });
});

describe('selectors: policies and whole-workload PDBs by one label, Services and controllers as they were', () => {
  const BOTH = (name: string) => ({ 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': name });

  test('given every kind, the NetworkPolicy selects by the instance label alone, and it selects the pods', () => {
    const { platform, users, db, gateway, job, backup } = allKinds();
    const objects = synth(platform);
    for (const workload of [users, db, gateway, job, backup]) {
      const selector = policyOf(objects, workload.workloadName).spec.podSelector.matchLabels;
      expect(Object.keys(selector)).toEqual(['app.kubernetes.io/instance']);
    }
    const podLabels = findObject(objects, 'StatefulSet', 'pg').spec.template.metadata.labels;
    expect(podLabels['app.kubernetes.io/instance']).toBe('pg');
  });

  test('the database and gateway PDBs select by one label; Services and controllers keep both', () => {
    const { platform } = allKinds();
    const objects = synth(platform);
    expect(findObject(objects, 'PodDisruptionBudget', 'pg').spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/instance': 'pg' });
    expect(findObject(objects, 'PodDisruptionBudget', 'gateway').spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/instance': 'gateway' });
    expect(findObject(objects, 'Service', 'pg').spec.selector).toEqual(BOTH('pg'));
    expect(findObject(objects, 'StatefulSet', 'pg').spec.selector.matchLabels).toEqual(BOTH('pg'));
    expect(findObject(objects, 'Service', 'gateway').spec.selector).toEqual(BOTH('gateway'));
    expect(findObject(objects, 'Deployment', 'gateway').spec.selector.matchLabels).toEqual(BOTH('gateway'));
  });

  test('a colour\'s PDB keeps its colour label: one PDB per pod, never two', () => {
    const { platform } = testPlatform();
    new ResilientMicroservice(platform, 'orders', {
      image: 'shop/orders:1.2.0', release: Release.blueGreen({ active: 'blue', green: { image: 'shop/orders:1.3.0' } }),
    });
    const objects = synth(platform);
    expect(findObject(objects, 'PodDisruptionBudget', 'orders-blue').spec.selector.matchLabels)
      .toEqual({ ...BOTH('orders'), 'cdk8s-patterns.io/color': 'blue' });
    expect(findObject(objects, 'PodDisruptionBudget', 'orders-green').spec.selector.matchLabels)
      .toEqual({ ...BOTH('orders'), 'cdk8s-patterns.io/color': 'green' });
    expect(policyOf(objects, 'orders').spec.podSelector.matchLabels).toEqual({ 'app.kubernetes.io/instance': 'orders' });
  });
});
