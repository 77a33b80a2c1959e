// Test helpers: the findings of one rule, one line each (`[construct path] <finding line>`).
import { App } from 'cdk8s';
import { Platform, PlatformProps } from '../../lib';
import { validateApp } from '../../lib/synthesis';
import { formatFinding, InsecureOptInRules } from '../../lib/validation';
import { testPlatform } from './objects';

/** Every finding of `ruleId` over the app, errors first. */
export function ruleFindings(app: App, ruleId: string): string[] {
  const { report } = validateApp(app);
  return [...report.errors, ...report.warnings]
    .filter((f) => f.ruleId === ruleId)
    .map((f) => `[${f.constructPath}] ${formatFinding(f)}`);
}

/** The `policy/insecure-opt-in` findings of an app. */
export function optInFindings(app: App): string[] {
  return ruleFindings(app, InsecureOptInRules.INSECURE_OPT_IN);
}

/** The findings of `ruleId` once `arrange` has added to a fresh platform (namespace `shop`, production, `props`). */
export function findingsOf(ruleId: string, arrange: (platform: Platform, app: App) => void, props: PlatformProps = {}): string[] {
  const { app, platform } = testPlatform(props);
  arrange(platform, app);
  return ruleFindings(app, ruleId);
}
