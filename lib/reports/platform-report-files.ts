// Output files beside each platform's YAML: its topology diagram and capacity report.
import { Platform } from '../platform';
import { OutputFile, SynthesizedChart, yamlPerChart } from '../synthesis';
import { capacityReport } from './capacity-report';
import { topologyDiagram } from './topology-diagram';

/**
 * A `layout` for `synthesize` that writes each chart's YAML as the default layout does and, for each Platform,
 * `<environment>.topology.md` and `<environment>.capacity.md` beside it.
 */
export function withPlatformReports(
  layout: (charts: readonly SynthesizedChart[]) => readonly OutputFile[] = yamlPerChart,
): (charts: readonly SynthesizedChart[]) => OutputFile[] {
  return (charts) => {
    const files = [...layout(charts)];
    for (const { chart } of charts) {
      if (!Platform.isPlatform(chart)) continue;
      const base = `${chart.platformName}/${chart.environment.name}`;
      files.push({ path: `${base}.topology.md`, content: topologyDiagram(chart) });
      files.push({ path: `${base}.capacity.md`, content: capacityReport(chart) });
    }
    return files;
  };
}
