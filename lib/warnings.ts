// Synth-time warnings: recorded on the construct, printed by the synthesizer, fatal when the user asks.
import { IConstruct } from 'constructs';

const WARNING = 'cdk8s-patterns:warning';

/** Records a warning on a construct; the synthesizer prints it with the construct path. */
export function addWarning(scope: IConstruct, message: string): void {
  scope.node.addMetadata(WARNING, message);
}

/** Every warning under `root`, as `[path] message`, in tree order. */
export function collectWarnings(root: IConstruct): string[] {
  const warnings: string[] = [];
  for (const child of root.node.findAll()) {
    for (const entry of child.node.metadata) {
      if (entry.type === WARNING) warnings.push(`[${child.node.path}] ${entry.data}`);
    }
  }
  return warnings;
}
