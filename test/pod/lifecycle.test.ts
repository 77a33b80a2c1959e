// The preStop pause by version, and the gap of cdk8s-plus-28's L1 that keepSleepActions fills.
import { Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { hasSleepAction, keepSleepActions, preStopPause } from '../../lib/pod/lifecycle';

function deployment(lifecycle: k8s.Lifecycle | undefined): k8s.KubeDeployment {
  const chart = Testing.chart();
  return new k8s.KubeDeployment(chart, 'D', {
    metadata: { name: 'd' },
    spec: {
      selector: { matchLabels: { app: 'd' } },
      template: {
        metadata: { labels: { app: 'd' } },
        spec: { initContainers: [{ name: 'side', image: 'x:1', restartPolicy: 'Always' }], containers: [{ name: 'app', image: 'x:1', lifecycle }] },
      },
    },
  });
}

describe('preStopPause', () => {
  test('an exec of sleep before 1.34, the sleep action from 1.34, nothing for 0 seconds', () => {
    expect(preStopPause(5, '1.33')).toEqual({ preStop: { exec: { command: ['sleep', '5'] } } });
    expect(preStopPause(5, '1.34')).toEqual({ preStop: { sleep: { seconds: 5 } } });
    expect(preStopPause(0, '1.34')).toBeUndefined();
    expect(hasSleepAction(preStopPause(5, '1.34'))).toBe(true);
    expect(hasSleepAction(preStopPause(5, '1.32'))).toBe(false);
  });
});

describe('keepSleepActions', () => {
  test('the gap: cdk8s-plus-28\'s KubeDeployment drops the sleep action from its output', () => {
    const json = deployment(preStopPause(5, '1.34')).toJson();
    expect(json.spec.template.spec.containers[0].lifecycle.preStop.sleep).toBeUndefined();
  });

  test('keeps the sleep action where the props put it, and leaves every other field as the L1 wrote it', () => {
    const plain = deployment(undefined).toJson();
    const kept = keepSleepActions(deployment(preStopPause(7, '1.35'))).toJson();
    expect(kept.spec.template.spec.containers[0].lifecycle).toEqual({ preStop: { sleep: { seconds: 7 } } });
    delete kept.spec.template.spec.containers[0].lifecycle;
    expect(kept).toEqual(plain);
  });
});
