// The capacity report of a Platform: per workload and in total, at minimum and maximum scale, against the quota.
import { CapacityTotals, podTotals, quotaDimensions, totalsAt } from '../capacity';
import { Platform } from '../platform';
import { formatBytes, formatCpu } from '../pod/resources';
import { compareCodePoints } from '../private/ordering';

/** A Markdown report; the numbers are the same ones the quota check uses. */
export function capacityReport(platform: Platform): string {
  const footprints = [...platform.workloadFootprints]
    .sort((a, b) => compareCodePoints(a.workload.workloadName, b.workload.workloadName));
  const lines = [
    `# ${platform.platformName} (${platform.environment.name}): capacity`,
    '',
    `Namespace \`${platform.namespaceName}\`, environment profile \`${platform.environment.name}\`, compatibility profile \`${platform.compatibility.name}\`.`,
    'Per pod: requests / limits of all its containers, or of its largest init container where that is more (as the',
    'scheduler and the quota charge it). Totals: every workload at its minimum replicas, and at its maximum replicas',
    'plus rollout surge.',
    '',
    '| Workload | Kind | Replicas | Pod CPU | Pod memory | Min CPU | Min memory | Max CPU | Max memory | Storage at max |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const f of footprints) {
    const pod = podTotals(f);
    const min = totalsAt([f], () => f.minReplicas);
    const max = totalsAt([f], () => f.maxReplicas + f.surge);
    lines.push(`| ${f.workload.workloadName} | ${f.kind} | ${f.minReplicas}–${f.maxReplicas}${f.surge ? ` (+${f.surge})` : ''} | ${cpu(pod)} | ${memory(pod)} | ${cpu(min)} | ${memory(min)} | ${cpu(max)} | ${memory(max)} | ${storage(max.storageBytes)} |`);
  }
  const min = totalsAt(footprints, (f) => f.minReplicas);
  const max = platform.maximumScale();
  const quota = platform.effectiveQuota();
  lines.push(`| **Total** | | ${min.pods}–${max.pods} pods | | | ${cpu(min)} | ${memory(min)} | ${cpu(max)} | ${memory(max)} | ${storage(max.storageBytes)} |`);
  lines.push('', '## Against the namespace quota', '', '| Resource | At maximum scale | Quota | Used |', '|---|---|---|---|');
  for (const d of quotaDimensions(platform.compatibility.cpuLimits)) {
    const need = d.total(max);
    const have = d.total(quota);
    lines.push(`| ${d.resource} | ${d.format(need)} | ${d.format(have)} | ${have > 0 ? Math.round((need / have) * 100) : 0} % |`);
  }
  lines.push('');
  return lines.join('\n');
}

function cpu(t: CapacityTotals): string {
  return `${formatCpu(t.requestsCpuMillis)} / ${formatCpu(t.limitsCpuMillis)}`;
}

function memory(t: CapacityTotals): string {
  return `${formatBytes(t.requestsMemoryBytes)} / ${formatBytes(t.limitsMemoryBytes)}`;
}

function storage(bytes: number): string {
  return bytes > 0 ? formatBytes(bytes) : '–';
}
