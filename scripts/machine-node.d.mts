export function machineNode(): string
