// Builds dist/ from src/. The action runs straight from dist/, so this output is committed
// and CI checks that it is exactly what the sources build.
import { build } from 'esbuild'
import { rm, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { licensesText } from './licenses.mjs'

/**
 * @actions/core imports its OIDC client, and with it an HTTP stack (undici) that costs about
 * as much start-up time as Node itself. This action never asks for an OIDC token, so the
 * import is replaced by a stand-in that loads the real client only if it is ever called.
 */
const lazyOidcClient = {
  name: 'lazy-oidc-client',
  setup(build) {
    build.onResolve({ filter: /^\.\/oidc-utils\.js$/ }, (args) =>
      args.importer.includes('@actions/core') && args.namespace === 'file'
        ? { path: `${args.resolveDir}/oidc-utils.js`, namespace: 'lazy-oidc' }
        : undefined
    )
    build.onLoad({ filter: /.*/, namespace: 'lazy-oidc' }, (args) => ({
      resolveDir: dirname(args.path),
      contents: `export class OidcClient {
        static async getIDToken(audience) {
          const { OidcClient } = await import(${JSON.stringify(args.path)})
          return OidcClient.getIDToken(audience)
        }
      }`
    }))
  }
}

/** The build of dist/ into `outdir`; returns esbuild's metafile (what went where). */
export async function bundle(outdir) {
  const result = await build({
    entryPoints: { index: 'src/index.ts' },
    outdir,
    metafile: true,
    bundle: true,
    // Splitting keeps heavy modules (x509 issuing, libsodium, the GitHub client) in chunks
    // that are loaded only on the path that needs them.
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    minify: true,
    legalComments: 'linked',
    chunkNames: 'chunks/[name]-[hash]',
    // Bundled CommonJS dependencies call require() for Node built-ins, the only modules left
    // outside the bundle. getBuiltinModule serves those without starting the CommonJS loader.
    banner: { js: 'const require=(id)=>process.getBuiltinModule(id);' },
    plugins: [lazyOidcClient],
    // Prefer the ES module builds that packages ship ("module"): they can be tree-shaken and
    // need no CommonJS wrappers, which are much slower to start.
    mainFields: ['module', 'main'],
    // yaml's Node build is CommonJS and require()s 'process' and 'buffer', and the first
    // require() from an ES module costs several milliseconds at every start. Its ES module
    // build (the package's default export) needs neither and parses the same.
    alias: { yaml: './node_modules/yaml/browser/index.js' },
    logLevel: 'warning'
  })
  return result.metafile
}

// Run as a script (npm run bundle): build dist/ afresh, with the licences of what it holds.
if (import.meta.url === `file://${process.argv[1]}`) {
  await rm('dist', { recursive: true, force: true })
  const metafile = await bundle('dist')
  await writeFile('dist/licenses.txt', licensesText(metafile))
}
