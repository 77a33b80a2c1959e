// Prop checks shared by every constructor.
import { Testing } from 'cdk8s';
import { checkDnsLabel, checkDnsSubdomain, checkEnvName, checkPinnedImage, checkPortName, checkUnique } from '../../lib/private/prop-checks';

const scope = Testing.chart();

test.each(['nginx:1.27.3', 'registry.example.com:5000/team/app:v1.2.0', `app@sha256:${'a'.repeat(64)}`])('pinned image %p passes', (image) => {
  expect(() => checkPinnedImage(scope, 'image', image)).not.toThrow();
});

test.each(['nginx', 'nginx:latest', 'registry.example.com:5000/team/app', 'app:', 'a b:1', ''])('image %p is refused', (image) => {
  expect(() => checkPinnedImage(scope, 'image', image)).toThrow(/image \(.*\) must name a pinned version/);
});

test.each(['a', 'auth-service', 'x1'])('DNS label %p passes', (name) => expect(() => checkDnsLabel(scope, 'name', name)).not.toThrow());
test.each(['', 'Auth', '-a', 'a-', 'a_b', 'a'.repeat(64)])('DNS label %p is refused', (name) => {
  expect(() => checkDnsLabel(scope, 'name', name)).toThrow(/must be a DNS-1123 label/);
});

test('subdomains allow dots, not empty labels', () => {
  expect(() => checkDnsSubdomain(scope, 'host', 'blog.example.com')).not.toThrow();
  expect(() => checkDnsSubdomain(scope, 'host', 'blog..example.com')).toThrow(/host \("blog\.\.example\.com"\) must be a DNS-1123 subdomain/);
});

test('port names follow IANA_SVC_NAME', () => {
  expect(() => checkPortName(scope, 'port', 'http')).not.toThrow();
  expect(() => checkPortName(scope, 'port', '8080')).toThrow(/at least one letter/);
  expect(() => checkPortName(scope, 'port', 'a-very-long-port-name')).toThrow(/at most 15/);
});

test('env names and uniqueness', () => {
  expect(() => checkEnvName(scope, 'env', '1A')).toThrow(/env \("1A"\) must be a valid environment variable name/);
  expect(() => checkUnique(scope, 'containers', ['app', 'app'])).toThrow(/containers \("app"\) appears twice/);
});
