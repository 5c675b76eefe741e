// dist/licenses.txt: the name, version, licence and full licence text of every third-party
// package whose code esbuild put into dist/, read from the build's metafile and the
// packages' own files in node_modules.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

/** node_modules/<name> or node_modules/@scope/<name>: the package a bundled file belongs to. */
const PACKAGE_ROOT = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//

/** Licence files as packages name them: LICENSE, LICENCE, COPYING, with any extension. */
const LICENCE_FILE = /^(licen[cs]e|copying)(\b|[-_.])/i

/** The package roots whose code is in the output: inputs that left bytes in some output file. */
export function bundledPackageRoots(metafile) {
  const roots = new Set()
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const match = PACKAGE_ROOT.exec(input)
      if (match && bytesInOutput > 0) roots.add(match[1])
    }
  }
  return [...roots]
}

function licenceOf(root) {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
  const files = readdirSync(root)
    .filter((file) => LICENCE_FILE.test(file))
    .sort()
  const text = files.map((file) => readFileSync(join(root, file), 'utf8').trim()).join('\n\n')
  if (!text) throw new Error(`${manifest.name} has no licence file in ${root}; its text cannot be shipped`)
  const license = typeof manifest.license === 'string' ? manifest.license : manifest.license?.type
  return { name: manifest.name, version: manifest.version, license: license ?? 'UNKNOWN', text }
}

/** The text of dist/licenses.txt, one section per package, sorted by name and version. */
export function licensesText(metafile) {
  const packages = bundledPackageRoots(metafile)
    .filter((root) => existsSync(join(root, 'package.json')))
    .map(licenceOf)
    .sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version))
  const unique = packages.filter(
    (p, i) => i === 0 || p.name !== packages[i - 1].name || p.version !== packages[i - 1].version
  )
  const header = [
    'Third-party software bundled in dist/',
    '',
    'dist/ holds code from the packages below. Each is listed with its version, its licence',
    'identifier as its package.json gives it, and the full text of its licence files.',
    ''
  ]
  const sections = unique.map((p) =>
    [`${'='.repeat(78)}`, `${p.name}@${p.version}`, `License: ${p.license}`, '', p.text, ''].join('\n')
  )
  return [...header, ...sections].join('\n')
}
