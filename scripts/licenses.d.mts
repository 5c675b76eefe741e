import type { Metafile } from 'esbuild'
export function bundledPackageRoots(metafile: Metafile): string[]
export function licensesText(metafile: Metafile): string
