// Pod options on every workload: tolerations, node selection and affinity, pull secrets, pod metadata, cloud identity.
import { Duration } from 'cdk8s';
import { ApiGateway, DatabaseEngine, PodOptions, ResilientMicroservice, ScheduledJob, StatefulDatabase } from '../../lib';
import { synthesizeCharts } from '../../lib/synthesis';
import { findObject, K8sObject, podSpecOf, synth, testPlatform } from '../support/objects';

const SPOT: PodOptions = {
  tolerations: [{ key: 'karpenter.sh/capacity-type', value: 'spot', effect: 'NoSchedule' }],
  nodeSelector: { 'kubernetes.io/arch': 'arm64' },
  nodeAffinity: {
    required: [{ expressions: [{ key: 'node.kubernetes.io/instance-type', operator: 'In', values: ['m7g.large', 'm7g.xlarge'] }] }],
    preferred: [{ weight: 50, expressions: [{ key: 'topology.kubernetes.io/zone', operator: 'NotIn', values: ['eu-west-1c'] }] }],
  },
  imagePullSecrets: ['registry-credentials'],
  podLabels: { 'sidecar.istio.io/inject': 'false', 'team': 'checkout' },
  podAnnotations: { 'fluentbit.io/parser': 'json' },
  serviceAccountAnnotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/orders' },
  runtimeClassName: 'gvisor',
};

/** Every workload kind with the same options, and the objects that run their pods. */
function everyKind(options: PodOptions) {
  const { app, platform } = testPlatform();
  const orders = new ResilientMicroservice(platform, 'orders', { image: 'shop/orders:1.2.0', ...options });
  new StatefulDatabase(platform, 'postgres', { engine: DatabaseEngine.postgres(), backup: {}, ...options });
  new ApiGateway(platform, 'gateway', { hosts: ['shop.example.com'], routes: [{ path: '/orders/', to: orders }], ...options });
  new ScheduledJob(platform, 'report', { image: 'shop/reports:1.0.0', schedule: '@daily', ...options });
  const objects = synth(platform);
  const pods: [string, K8sObject][] = [
    ['Deployment', 'orders'], ['StatefulSet', 'postgres'], ['CronJob', 'postgres-backup'], ['Deployment', 'gateway'], ['CronJob', 'report'],
  ].map(([kind, name]) => [name, findObject(objects, kind, name)]);
  return { app, objects, pods };
}

describe('pod options', () => {
  test('given the same options, every workload kind (and a database\'s backup) runs its pods where they say', () => {
    const { pods } = everyKind(SPOT);
    for (const [, workload] of pods) {
      const spec = podSpecOf(workload);
      expect(spec.tolerations).toEqual([{ key: 'karpenter.sh/capacity-type', operator: 'Equal', value: 'spot', effect: 'NoSchedule' }]);
      expect(spec.nodeSelector).toEqual({ 'kubernetes.io/arch': 'arm64' });
      expect(spec.affinity.nodeAffinity).toEqual({
        requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [
          { key: 'node.kubernetes.io/instance-type', operator: 'In', values: ['m7g.large', 'm7g.xlarge'] }] }] },
        preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 50, preference: { matchExpressions: [
          { key: 'topology.kubernetes.io/zone', operator: 'NotIn', values: ['eu-west-1c'] }] } }],
      });
      expect(spec.imagePullSecrets).toEqual([{ name: 'registry-credentials' }]);
      expect(spec.runtimeClassName).toBe('gvisor');
    }
  });

  test('the kit\'s own pod anti-affinity stays beside the node affinity', () => {
    const { pods } = everyKind(SPOT);
    const orders = podSpecOf(pods.find(([name]) => name === 'orders')![1]);
    expect(orders.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.topologyKey).toBe('kubernetes.io/hostname');
  });

  test('extra pod labels and annotations join the kit\'s, which stay as they were', () => {
    const { pods } = everyKind(SPOT);
    for (const [name, workload] of pods) {
      const metadata = workload.kind === 'CronJob' ? workload.spec.jobTemplate.spec.template.metadata : workload.spec.template.metadata;
      expect(metadata.labels).toMatchObject({ 'sidecar.istio.io/inject': 'false', 'team': 'checkout', 'app.kubernetes.io/instance': name });
      expect(metadata.annotations).toMatchObject({ 'fluentbit.io/parser': 'json' });
    }
  });

  test('ServiceAccount annotations carry the workload identity, on the backup\'s ServiceAccount too', () => {
    const { objects } = everyKind(SPOT);
    for (const name of ['orders', 'postgres', 'postgres-backup', 'gateway', 'report']) {
      const account = findObject(objects, 'ServiceAccount', name);
      expect(account.metadata.annotations).toEqual({ 'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/orders' });
      expect(account.automountServiceAccountToken).toBe(false);
    }
  });

  test('the pull Secret is declared external, so the platform with every kind validates', () => {
    const { app } = everyKind(SPOT);
    expect(() => synthesizeCharts(app)).not.toThrow();
  });

  test('given none, pods carry none of the fields (defaults)', () => {
    const { pods, objects } = everyKind({});
    for (const [name, workload] of pods) {
      const spec = podSpecOf(workload);
      for (const field of ['tolerations', 'nodeSelector', 'imagePullSecrets', 'runtimeClassName']) expect(spec[field]).toBeUndefined();
      expect(spec.affinity?.nodeAffinity).toBeUndefined();
      expect(findObject(objects, 'ServiceAccount', name).metadata.annotations).toBeUndefined();
    }
  });

  test('GKE and Azure identities; Azure\'s pods get the label its webhook selects by', () => {
    const { platform } = testPlatform();
    new ResilientMicroservice(platform, 'gke', {
      image: 'shop/orders:1.2.0', serviceAccountAnnotations: { 'iam.gke.io/gcp-service-account': 'orders@shop-prod.iam.gserviceaccount.com' },
    });
    new ResilientMicroservice(platform, 'azure', {
      image: 'shop/orders:1.2.0', serviceAccountAnnotations: { 'azure.workload.identity/client-id': '3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b' },
    });
    const objects = synth(platform);
    expect(findObject(objects, 'Deployment', 'azure').spec.template.metadata.labels['azure.workload.identity/use']).toBe('true');
    expect(findObject(objects, 'Deployment', 'gke').spec.template.metadata.labels['azure.workload.identity/use']).toBeUndefined();
    expect(findObject(objects, 'ServiceAccount', 'gke').metadata.annotations).toEqual({ 'iam.gke.io/gcp-service-account': 'orders@shop-prod.iam.gserviceaccount.com' });
  });

  test('tolerations: Exists without a key tolerates every taint; NoExecute may bound the stay', () => {
    const { platform } = testPlatform();
    new ResilientMicroservice(platform, 'orders', {
      image: 'shop/orders:1.2.0',
      tolerations: [
        { operator: 'Exists' },
        { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: Duration.seconds(30) },
      ],
    });
    expect(podSpecOf(findObject(synth(platform), 'Deployment', 'orders')).tolerations).toEqual([
      { operator: 'Exists' },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 },
    ]);
  });

  test.each<[string, PodOptions, RegExp]>([
    ['a selector label', { podLabels: { 'app.kubernetes.io/instance': 'other' } }, /^\[shop\/orders\] podLabels \("app\.kubernetes\.io\/instance"\) is a label the kit sets .*choose another key/],
    ['the environment label', { podLabels: { environment: 'dev' } }, /podLabels \("environment"\) is a label the kit sets/],
    ['a release label', { podLabels: { 'cdk8s-patterns.io/color': 'blue' } }, /podLabels \("cdk8s-patterns\.io\/color"\) is a label the kit sets/],
    ['a bad label value', { podLabels: { team: 'check out' } }, /podLabels\.team \("check out"\) must be a label value/],
    ['a bad label key', { podLabels: { 'bad key': 'x' } }, /podLabels key \("bad key"\) must be a label key/],
    ['the config hash annotation', { podAnnotations: { 'cdk8s-patterns.io/config-hash': 'x' } }, /podAnnotations \("cdk8s-patterns\.io\/config-hash"\) is an annotation the kit sets/],
    ['a scrape annotation', { podAnnotations: { 'prometheus.io/port': '1' } }, /podAnnotations \("prometheus\.io\/port"\) is an annotation the kit sets/],
    ['a bad IRSA role', { serviceAccountAnnotations: { 'eks.amazonaws.com/role-arn': 'orders' } }, /serviceAccountAnnotations\.eks\.amazonaws\.com\/role-arn \("orders"\) must be an IAM role ARN/],
    ['a bad GKE account', { serviceAccountAnnotations: { 'iam.gke.io/gcp-service-account': 'orders@gmail.com' } }, /iam\.gke\.io\/gcp-service-account \("orders@gmail\.com"\) must be a Google service account e-mail/],
    ['a bad Azure client id', { serviceAccountAnnotations: { 'azure.workload.identity/client-id': 'abc' } }, /azure\.workload\.identity\/client-id \("abc"\) must be a client id UUID/],
    ['an unknown toleration operator', { tolerations: [{ key: 'k', operator: 'Matches' as never }] }, /tolerations\[0\]\.operator \("Matches"\) must be one of 'Equal', 'Exists'/],
    ['an unknown taint effect', { tolerations: [{ key: 'k', effect: 'NoRun' as never }] }, /tolerations\[0\]\.effect \("NoRun"\) must be one of 'NoSchedule', 'PreferNoSchedule', 'NoExecute'/],
    ['Equal without a key', { tolerations: [{ value: 'spot' }] }, /tolerations\[0\]\.key \(undefined\) is required with operator 'Equal'/],
    ['Exists with a value', { tolerations: [{ key: 'k', operator: 'Exists', value: 'v' }] }, /tolerations\[0\]\.value \("v"\) must not be set with operator 'Exists'/],
    ['seconds without NoExecute', { tolerations: [{ key: 'k', effect: 'NoSchedule', tolerationSeconds: Duration.seconds(5) }] }, /tolerations\[0\]\.tolerationSeconds \("NoSchedule"\) applies only with effect 'NoExecute'/],
    ['fractional seconds', { tolerations: [{ key: 'k', effect: 'NoExecute', tolerationSeconds: Duration.millis(1500) }] }, /tolerations\[0\]\.tolerationSeconds \("1\.5s"\) must be a whole number of seconds/],
    ['a bad node selector value', { nodeSelector: { 'kubernetes.io/arch': 'arm 64' } }, /nodeSelector\.kubernetes\.io\/arch \("arm 64"\) must be a label value/],
    ['no required terms', { nodeAffinity: { required: [] } }, /nodeAffinity\.required \(\[\]\) must hold at least one term/],
    ['a term without expressions', { nodeAffinity: { required: [{ expressions: [] }] } }, /nodeAffinity\.required\[0\]\.expressions \(\[\]\) must hold at least one node label expression/],
    ['an unknown node operator', { nodeAffinity: { required: [{ expressions: [{ key: 'k', operator: 'Like' as never }] }] } }, /required\[0\]\.expressions\[0\]\.operator \("Like"\) must be one of 'In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt'/],
    ['In without values', { nodeAffinity: { required: [{ expressions: [{ key: 'k', operator: 'In' }] }] } }, /expressions\[0\]\.values \(\[\]\) must hold at least one value with operator 'In'/],
    ['Exists with values', { nodeAffinity: { required: [{ expressions: [{ key: 'k', operator: 'Exists', values: ['a'] }] }] } }, /expressions\[0\]\.values \(\["a"\]\) must be empty with operator 'Exists'/],
    ['Gt with a word', { nodeAffinity: { required: [{ expressions: [{ key: 'k', operator: 'Gt', values: ['many'] }] }] } }, /expressions\[0\]\.values \(\["many"\]\) must be exactly one integer with operator 'Gt'/],
    ['a weight out of range', { nodeAffinity: { preferred: [{ weight: 0, expressions: [{ key: 'k', operator: 'Exists' }] }] } }, /nodeAffinity\.preferred\[0\]\.weight \(0\) must be an integer from 1 to 100/],
    ['a bad pull Secret name', { imagePullSecrets: ['Registry_Creds'] }, /imagePullSecrets\[0\] \("Registry_Creds"\) must be a DNS-1123 subdomain/],
    ['a pull Secret twice', { imagePullSecrets: ['regcred', 'regcred'] }, /imagePullSecrets \("regcred"\) appears twice/],
    ['a bad runtime class', { runtimeClassName: 'G Visor' }, /runtimeClassName \("G Visor"\) must be a DNS-1123 subdomain/],
  ])('refuses %s, naming path, prop, value and what is valid', (_name, options, message) => {
    const { platform } = testPlatform();
    expect(() => new ResilientMicroservice(platform, 'orders', { image: 'shop/orders:1.2.0', ...options })).toThrow(message);
  });

  test('a database\'s bad option is reported on the database, not its backup', () => {
    const { platform } = testPlatform();
    expect(() => new StatefulDatabase(platform, 'postgres', { engine: DatabaseEngine.postgres(), runtimeClassName: 'G Visor' }))
      .toThrow(/^\[shop\/postgres\] runtimeClassName/);
  });
});
