// PromQL parsed at synth (PrometheusRules and dashboard targets), and ConfigMaps within the API server's size limit.
import { ApiObject } from 'cdk8s';
import { PlatformAlerts, PlatformDashboard, ResilientMicroservice } from '../../lib';
import { validateApp } from '../../lib/synthesis';
import { CONFIGMAP_MAX_BYTES, configMapBytes, Finding, formatFinding, MonitoringRules, promqlError } from '../../lib/validation';
import { findObject, synth, testPlatform } from '../support/objects';

const byRule = (findings: readonly Finding[], ruleId: string) => findings.filter((f) => f.ruleId === ruleId);

test.each([
  ['sum by (job) (rate(http_requests_total{status=~"5.."}[5m])) > 0.05', undefined],
  ['time() - kube_cronjob_status_last_successful_time{namespace="shop"} > 90000', undefined],
  ['histogram_quantile(0.95, sum by (le) (rate(x_bucket[5m])))', undefined],
  ['sum(rate(x[5m]) >', 17],
  ['up{job="orders"', 15],
  ['rate(x[5m] offset', 17],
  ['no_such_function(up)', 16],
])('promqlError(%j) is %j', (expr, at) => {
  expect(promqlError(expr)?.at).toBe(at);
});

test('the kit\'s own rules and dashboard panels parse', () => {
  const { app, platform } = testPlatform();
  new ResilientMicroservice(platform, 'orders', { image: 'shop/orders:1.2.0', metrics: { port: 9090 } });
  new PlatformAlerts(platform, 'Alerts');
  new PlatformDashboard(platform, 'Dashboard');
  expect(byRule(validateApp(app).report.errors, MonitoringRules.PROMQL_PARSE)).toEqual([]);
});

test('a rule whose expression does not parse is a finding naming the rule and the place', () => {
  const { app, platform } = testPlatform();
  new ApiObject(platform, 'Rules', {
    apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule', metadata: { name: 'extra', labels: { release: 'kube-prometheus-stack' } },
    spec: { groups: [{ name: 'g', rules: [{ alert: 'Fine', expr: 'up == 0' }, { alert: 'Broken', expr: 'sum(rate(x[5m]) >' }] }] },
  });
  const findings = byRule(validateApp(app).report.errors, MonitoringRules.PROMQL_PARSE);
  expect(findings.map(formatFinding)).toEqual([
    'error promql/parse PrometheusRule/shop/extra spec.groups[0].rules[1].expr: found "sum(rate(x[5m]) >", which does not parse at character 17 (near "sum(rate(x[5m]) >"); expected a PromQL expression Prometheus can parse (rule Broken)',
  ]);
  expect(findings[0].constructPath).toBe('shop/Rules');
});

test('a dashboard target that does not parse is a finding naming the panel; Grafana variables are allowed', () => {
  const { app, platform } = testPlatform();
  const dashboard = {
    panels: [{ type: 'row', title: 'r', panels: [] }, {
      title: 'Broken', targets: [{ refId: 'A', expr: 'sum(rate(x[$__rate_interval]))' }, { refId: 'B', expr: 'up{job=' }],
    }],
  };
  new ApiObject(platform, 'Dash', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dash' }, data: { 'd.json': JSON.stringify(dashboard) } });
  const findings = byRule(validateApp(app).report.errors, MonitoringRules.PROMQL_PARSE);
  expect(findings.map((f) => [f.fieldPath, f.expected])).toEqual([
    ['data["d.json"]', 'a PromQL expression Prometheus can parse (panel "Broken" target B)'],
  ]);
});

test('ConfigMaps: over 1 MiB of data is an error, over 256 KiB a warning about client-side apply', () => {
  const { app, platform } = testPlatform();
  const sized = (name: string, bytes: number) => new ApiObject(platform, name, {
    apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { 'a.txt': 'x'.repeat(bytes - 'a.txt'.length) },
  });
  sized('at-limit', CONFIGMAP_MAX_BYTES);
  sized('too-big', CONFIGMAP_MAX_BYTES + 1);
  sized('big', 300 * 1024);
  const objects = synth(platform);
  expect(configMapBytes(findObject(objects, 'ConfigMap', 'at-limit'))).toBe(CONFIGMAP_MAX_BYTES);
  const { errors, warnings } = validateApp(app).report;
  expect(byRule(errors, MonitoringRules.CONFIGMAP_TOO_LARGE).map((f) => [f.object, f.found])).toEqual([['ConfigMap/shop/too-big', '1048577 bytes of data']]);
  expect(byRule(warnings, MonitoringRules.CONFIGMAP_TOO_LARGE_FOR_CLIENT_APPLY).map((f) => f.object).sort())
    .toEqual(['ConfigMap/shop/at-limit', 'ConfigMap/shop/big']);
});

test('ConfigMaps are sized in UTF-8: 90,000 three-byte characters pass 256 KiB', () => {
  const { app, platform } = testPlatform();
  new ApiObject(platform, 'Euro', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'euro' }, data: { 'a.txt': '€'.repeat(90_000) } });
  const { warnings } = validateApp(app).report;
  expect(byRule(warnings, MonitoringRules.CONFIGMAP_TOO_LARGE_FOR_CLIENT_APPLY).map((f) => [f.object, f.found])).toEqual([['ConfigMap/shop/euro', '270005 bytes of data']]);
});

test('a binaryData value counts decoded', () => {
  expect(configMapBytes({ binaryData: { k: Buffer.alloc(30).toString('base64') } })).toBe(31);
});

test('an expression is parsed once, however many rules repeat it', () => {
  const parser = require('@prometheus-io/lezer-promql').parser as { parse: (text: string) => unknown };
  const parse = jest.spyOn(parser, 'parse');
  const expr = 'sum(rate(http_requests_total{job="memo-test"}[5m])) > 1';
  expect(promqlError(expr)).toBeUndefined();
  expect(promqlError(expr)).toBeUndefined();
  expect(parse.mock.calls.filter(([text]) => text === expr)).toHaveLength(1);
  expect(promqlError('sum(rate(x[5m]) >')).toEqual(expect.objectContaining({ near: expect.any(String) }));
});
