// The one file of a tar archive, read by hand: apid wraps the admin kubeconfig in a gzip tar
// with one entry (Server.Kubeconfig), and Go's tar writer there is never closed, so the
// archive may end right after the file's bytes, without padding or end-of-archive blocks.
import { gunzipSync } from 'node:zlib'

const BLOCK = 512

/** Gunzips and returns the bytes of the regular file named `name`, or undefined if absent. */
export function fileFromTarGz(archive: Buffer, name: string, maxBytes: number): Buffer | undefined {
  const tar = gunzipSync(archive, { maxOutputLength: maxBytes })
  let at = 0
  let longName: string | undefined
  while (at + BLOCK <= tar.length) {
    const header = tar.subarray(at, at + BLOCK)
    if (header.every((byte) => byte === 0)) return undefined
    if (!checksumMatches(header)) throw new Error('a tar header is damaged')
    const size = octal(header.subarray(124, 136))
    const type = String.fromCharCode(header[156] ?? 0)
    const data = tar.subarray(at + BLOCK, at + BLOCK + size)
    if (data.length < size) throw new Error('the tar archive is truncated')
    const entryName = longName ?? entryPath(header)
    longName = undefined
    if (type === 'x') longName = paxPath(data)
    else if (type === 'L') longName = data.toString('utf8').replace(/\0.*$/s, '')
    else if ((type === '0' || type === '\0') && entryName.replace(/^\.\//, '') === name) return Buffer.from(data)
    at += BLOCK + Math.ceil(size / BLOCK) * BLOCK
  }
  return undefined
}

const field = (bytes: Buffer): string => bytes.toString('utf8').replace(/\0.*$/s, '')

function octal(bytes: Buffer): number {
  const text = field(bytes).trim()
  if (!/^[0-7]*$/.test(text)) throw new Error('a tar header has a size that is not octal')
  return text === '' ? 0 : parseInt(text, 8)
}

/** USTAR splits long paths into a prefix (offset 345) and a name. */
function entryPath(header: Buffer): string {
  const name = field(header.subarray(0, 100))
  const magic = header.subarray(257, 262).toString('latin1')
  const prefix = magic === 'ustar' ? field(header.subarray(345, 500)) : ''
  return prefix ? `${prefix}/${name}` : name
}

/** The header's checksum: the sum of its bytes with the checksum field read as spaces. */
function checksumMatches(header: Buffer): boolean {
  let sum = 0
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : (header[i] as number)
  return octal(header.subarray(148, 156)) === sum
}

/** The `path` record of a PAX extended header ("<length> path=<value>\n"), if any. */
function paxPath(data: Buffer): string | undefined {
  for (const record of data.toString('utf8').split('\n')) {
    const match = /^\d+ path=(.*)$/.exec(record)
    if (match) return match[1]
  }
  return undefined
}
