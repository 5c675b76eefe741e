export interface Mutant {
  status: string
  statusReason?: string
}
export interface ModuleVerdict {
  relative: string
  score: number
  needed: number
  survivors: number
  mutants: number
  errors: number
  broken: boolean
  ok: boolean
  verdict: string
}
export function scoreOf(mutants: Mutant[]): number
export function judgeModule(relative: string, mutants: Mutant[]): ModuleVerdict
export function judgeReport(report: { files: Record<string, { mutants: Mutant[] }> }): ModuleVerdict[]
