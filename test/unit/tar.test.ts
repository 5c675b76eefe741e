// The tar reader against archives made by GNU tar itself (its own format and PAX), and
// against the archive apid sends, which Go's tar writer leaves without padding or trailer.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { gunzipSync, gzipSync } from 'node:zlib'
import { fileFromTarGz } from '../../src/talos-api/tar.js'

const text = 'apiVersion: v1\nkind: Config\n' + 'x'.repeat(700) + '\n'
function gnuTar(format: string, files: Record<string, string>): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'tar-'))
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content)
  return execFileSync('tar', [`--format=${format}`, '-czf', '-', '-C', dir, ...Object.keys(files)])
}

describe('fileFromTarGz', () => {
  for (const format of ['gnu', 'pax', 'ustar']) {
    it(`reads the named file from GNU tar's ${format} archive, among others`, () => {
      const archive = gnuTar(format, { other: 'not this one', kubeconfig: text })
      assert.equal(fileFromTarGz(archive, 'kubeconfig', 1 << 20)?.toString(), text)
      assert.equal(fileFromTarGz(archive, 'missing', 1 << 20), undefined)
    })
  }

  it('reads an archive cut right after the file, as apid sends it (the tar writer is never closed)', () => {
    const tar = gunzipSync(gnuTar('ustar', { kubeconfig: text }))
    const cut = tar.subarray(0, 512 + Buffer.byteLength(text))
    assert.equal(fileFromTarGz(gzipSync(cut), 'kubeconfig', 1 << 20)?.toString(), text)
  })

  it('refuses a damaged header, a truncated file, and output past the cap', () => {
    const tar = gunzipSync(gnuTar('ustar', { kubeconfig: text }))
    const damaged = Buffer.from(tar)
    damaged[10] = 0x41
    assert.throws(() => fileFromTarGz(gzipSync(damaged), 'kubeconfig', 1 << 20), /damaged/)
    assert.throws(() => fileFromTarGz(gzipSync(tar.subarray(0, 600)), 'kubeconfig', 1 << 20), /truncated/)
    assert.throws(() => fileFromTarGz(gzipSync(tar), 'kubeconfig', 1024), /Cannot create a Buffer larger|larger than/i)
  })
})
