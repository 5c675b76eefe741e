// The README describes a release that exists: package.json, the User-Agent (src/version.ts)
// and the newest dated section of CHANGELOG.md name one version; every `uses:` of this action
// in the README is on that major (or pinned to a release that exists); and every input and
// output the README documents is recorded in a released section, not only under Unreleased.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { VERSION } from '../../src/version.js'

const changelog = readFileSync('CHANGELOG.md', 'utf8')
const readme = readFileSync('README.md', 'utf8')
const releases = [...changelog.matchAll(/^## \[(\d+\.\d+\.\d+)\] - (\d{4}-\d\d-\d\d)$/gm)].map(([, version, date]) => ({
  version: version as string,
  date: date as string
}))
/** The text of the released sections: everything from the first dated heading on. */
const released = changelog.slice(changelog.search(/^## \[\d+\.\d+\.\d+\] - /m))
const major = VERSION.split('.')[0]

/** Every name in backticks in the first cell of the tables under a `## heading`. */
function documented(heading: string): string[] {
  const section = readme.slice(readme.indexOf(`\n## ${heading}\n`) + 1).split(/\n## /)[0] as string
  return section
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('| ---'))
    .flatMap((line) => [...(line.split(' | ')[0] ?? '').matchAll(/`([a-z-]+)`/g)].map((match) => match[1] as string))
    .filter((name) => name !== 'input' && name !== 'output')
}

describe('the release the README describes', () => {
  it('is one version in package.json, the User-Agent and the newest section of the changelog', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }
    const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as { version: string }
    assert.equal(pkg.version, VERSION)
    assert.equal(lock.version, VERSION)
    assert.equal(releases[0]?.version, VERSION, 'the newest dated section of CHANGELOG.md')
    assert.ok(!Number.isNaN(Date.parse(releases[0]?.date ?? '')), 'a real date')
    assert.match(changelog, new RegExp(`^\\[${VERSION.replace(/\./g, '\\.')}\\]: https://`, 'm'), 'its link')
    assert.match(changelog, /^## \[Unreleased\]$/m)
  })

  it('is what every example uses: the major tag, or a pinned release that exists, said to be a placeholder', () => {
    const uses = [...readme.matchAll(/uses: OWNER\/talos-client-cert-renewal@(\S+)(?: # (\S+))?/g)]
    assert.ok(uses.length >= 6, `${uses.length} examples`)
    for (const [line, ref, comment] of uses) {
      if (/^[0-9a-f]{40}$/.test(ref as string)) {
        const version = comment?.replace(/^v/, '')
        assert.ok(
          releases.some((release) => release.version === version),
          `${line}: no release ${comment}`
        )
        const around = readme.slice(readme.indexOf(line), readme.indexOf(line) + 400)
        assert.match(around, /placeholder/, `${line}: the SHA is not said to be a placeholder`)
      } else assert.equal(ref, `v${major}`, line)
    }
  })

  it('records every input and output the README documents in a released section', () => {
    const names = [...documented('Inputs'), ...documented('Outputs')]
    assert.ok(names.length > 40, `${names.length} names`)
    const missing = names.filter((name) => !released.includes(`\`${name}\``))
    assert.deepEqual(missing, [], 'documented, but in no released section of CHANGELOG.md')
  })
})
