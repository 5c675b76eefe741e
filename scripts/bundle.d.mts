import type { Metafile } from 'esbuild'
export function bundle(outdir: string): Promise<Metafile>
