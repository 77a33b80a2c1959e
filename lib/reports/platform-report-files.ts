// Output files beside each platform's YAML: its topology diagram, capacity report and cluster prerequisites.
import { Platform } from '../platform';
import { OutputFile, SynthesizedChart, yamlPerChart } from '../synthesis';
import { capacityReport } from './capacity-report';
import { prerequisitesReport } from './prerequisites-report';
import { topologyDiagram } from './topology-diagram';

/**
 * A `layout` for `synthesize` that writes each chart's YAML as the default layout does and, for each Platform,
 * `<environment>.topology.md`, `<environment>.capacity.md` and `<environment>.prerequisites.md` beside it.
 */
export function withPlatformReports(
  layout: (charts: readonly SynthesizedChart[]) => readonly OutputFile[] = yamlPerChart,
): (charts: readonly SynthesizedChart[]) => OutputFile[] {
  return (charts) => {
    const files = [...layout(charts)];
    for (const { chart, objects } of charts) {
      if (!Platform.isPlatform(chart)) continue;
      const base = `${chart.platformName}/${chart.environment.name}`;
      files.push({ path: `${base}.topology.md`, content: topologyDiagram(chart) });
      files.push({ path: `${base}.capacity.md`, content: capacityReport(chart) });
      files.push({ path: `${base}.prerequisites.md`, content: prerequisitesReport(chart, objects) });
    }
    return files;
  };
}
