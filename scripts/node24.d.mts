export function node24(purpose: string, options?: { bundled?: string; pathNode?: string }): string
export function node24OrExit(purpose: string): string
