import type { Linter } from 'eslint'

/** The rule that keeps every writer of text for people in src/story/. */
export declare const gateRule: Linter.Config
declare const config: Linter.Config[]
export default config
