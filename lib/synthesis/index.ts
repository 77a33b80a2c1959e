// Synthesis: the construct tree to validated, deterministic YAML files, written all at once or not at all.
export { applyOrderRank, inApplyOrder } from './apply-order';
export type { OutputFile } from './output-files';
export { yamlPerChart } from './output-files';
export type { SynthesizedChart } from './resolve-charts';
export { chartObjects, synthesizeCharts, validateApp } from './resolve-charts';
export type { SynthesizeOptions } from './synthesize';
export { synthesize } from './synthesize';
export { SynthesisError } from './synthesis-error';
export { SynthesisMarks } from './synthesis-marks';
export { toYaml, yamlDocuments, YamlDocuments } from './yaml-documents';
