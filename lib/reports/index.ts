// Reports beside each platform's YAML: the topology diagram and the capacity report against the quota.
export { capacityReport } from './capacity-report';
export { withPlatformReports } from './platform-report-files';
export { prerequisitesReport } from './prerequisites-report';
export type { TopologyEdge } from './topology-diagram';
export { topologyDiagram, topologyEdges } from './topology-diagram';
