// SOPS-encrypted YAML, decrypted and verified as sops itself does it (getsops/sops: the tree
// walk, shouldBeEncrypted, the AES-GCM value cipher and the MAC), for age key groups only.
import { joined, outside, own, said, type Text } from '../text.js'
import { createDecipheriv, createHash } from 'node:crypto'
import { isAlias, isMap, isScalar, isSeq, type Document, type Node, type Scalar, type YAMLMap } from 'yaml'
import { decodeBase64 } from '../encoding.js'
import { UserError } from '../errors.js'
import { decryptAge, type AgeKeys } from './age.js'

/** A SOPS document has a top-level `sops` mapping with its metadata. */
export function isSops(doc: Document.Parsed): boolean {
  // Stryker disable next-line BooleanLiteral: keepScalar matters only for scalars; a map is returned as its node either way.
  return isMap(doc.contents) && isMap(doc.get('sops', true))
}

/** A key pattern of the metadata, matched as Go's regexp (RE2) matches it: anywhere, in linear time. */
type KeyPattern = (key: string) => boolean

/** Which values sops encrypted: its rules, read from the metadata. */
interface Rules {
  unencryptedSuffix: string
  encryptedSuffix: string
  unencryptedRegex: KeyPattern | undefined
  encryptedRegex: KeyPattern | undefined
  macOnlyEncrypted: boolean
}

export interface Decrypted {
  /** The document with every value decrypted and the `sops` metadata removed. */
  doc: Document
  /** Every decrypted string value, for masking. */
  plaintexts: string[]
}

/** MACOnlyEncryptedInitialization in sops: sha256("sops"), hashed first when only encrypted values count. */
const MAC_ONLY_ENCRYPTED_INIT = createHash('sha256').update('sops').digest()
const GCM_TAG_BYTES = 16
const ENC = /^ENC\[AES256_GCM,data:([^,]*),iv:([^,]+),tag:([^,]+),type:([a-z0-9]+)\]$/

/**
 * Decrypts a SOPS document with age identities and verifies its MAC. Anything that does not
 * add up (a missing or wrong MAC, a value that should be encrypted but is not, key groups,
 * an unknown type) is an error: nothing is ever used from such a file.
 */
export async function decryptSops(parsed: Document.Parsed, keys: AgeKeys, input: string): Promise<Decrypted> {
  const doc = parsed.clone()
  const meta = doc.get('sops', true) as YAMLMap
  const fail = (why: Text): never => {
    throw new UserError(said`Input '${input}' is a SOPS file that ${why}; nothing from it is used.`, input)
  }
  const text = (key: string): string | undefined => {
    const value = meta.get(key)
    if (typeof value === 'string') return value === '' ? undefined : value
    return typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined
  }
  const rules = await readRules(meta, text, fail)
  const dataKey = await unwrapDataKey(meta, keys, input, fail)
  doc.delete('sops')
  const hash = createHash('sha512')
  if (rules.macOnlyEncrypted) hash.update(MAC_ONLY_ENCRYPTED_INIT)
  const plaintexts: string[] = []
  walk(
    doc.contents as Node,
    [],
    (scalar, path) => {
      const encrypted = shouldBeEncrypted(path, rules)
      // The path in the bundle, by its keys: what they need to find the value. The keys are the
      // file's, not the action's, so each is read as an outside value.
      const where = keyPath(path)
      let value: unknown = scalar.value
      let macBytes: Buffer | undefined
      if (encrypted) {
        if (typeof value !== 'string') fail(said`has a value that should be encrypted but is not, at ${where}`)
        if (value !== '') {
          const opened = openValue(value as string, dataKey, `${path.join(':')}:`, where, fail)
          value = opened.value
          macBytes = opened.macBytes
          if (typeof value === 'string') plaintexts.push(value)
        } else {
          macBytes = Buffer.alloc(0)
        }
        scalar.value = value
      } else {
        macBytes = goBytes(value, where, fail)
      }
      if (macBytes && (encrypted || !rules.macOnlyEncrypted)) hash.update(macBytes)
    },
    fail
  )
  verifyMac(hash.digest('hex').toUpperCase(), text('mac'), text('lastmodified'), dataKey, fail)
  return { doc, plaintexts }
}

async function readRules(
  meta: YAMLMap,
  text: (key: string) => string | undefined,
  fail: (why: Text) => never
): Promise<Rules> {
  if (text('unencrypted_comment_regex') || text('encrypted_comment_regex'))
    fail(said`selects values by comments, which this action does not support`)
  const sources = { unencrypted: text('unencrypted_regex'), encrypted: text('encrypted_regex') }
  // The metadata is not authenticated until the MAC is checked, after the walk: its patterns
  // must not be able to hang the run. RE2 (re2js), as sops's Go uses, is linear in time and
  // has Go's syntax; it is loaded only for a file that has such a rule.
  const { RE2JS } = sources.unencrypted || sources.encrypted ? await import('re2js') : { RE2JS: undefined }
  const regex = (key: string, source: string | undefined): KeyPattern | undefined => {
    if (source === undefined || !RE2JS) return undefined
    try {
      const compiled = RE2JS.compile(source)
      return (value) => compiled.matcher(value).find()
    } catch {
      return fail(said`has an ${key} that is not a regular expression sops reads`)
    }
  }
  const rules: Rules = {
    unencryptedSuffix: text('unencrypted_suffix') ?? '',
    encryptedSuffix: text('encrypted_suffix') ?? '',
    unencryptedRegex: regex('unencrypted_regex', sources.unencrypted),
    encryptedRegex: regex('encrypted_regex', sources.encrypted),
    macOnlyEncrypted: meta.get('mac_only_encrypted') === true
  }
  // As sops loads metadata: with no rule at all, the default unencrypted suffix applies.
  if (!rules.unencryptedSuffix && !rules.encryptedSuffix && !rules.unencryptedRegex && !rules.encryptedRegex) {
    rules.unencryptedSuffix = '_unencrypted'
  }
  return rules
}

/** The 32-byte data key, from whichever age recipient's stanza the given keys open. */
async function unwrapDataKey(meta: YAMLMap, keys: AgeKeys, input: string, fail: (why: Text) => never): Promise<Buffer> {
  // Stryker disable next-line BooleanLiteral: keepScalar matters only for scalars; a list is returned as its node either way.
  const groups = meta.get('key_groups', true)
  if (isSeq(groups) && groups.items.length > 1)
    fail(said`splits its data key over several key groups (Shamir), which this action does not support`)
  const group = isSeq(groups) && isMap(groups.items[0]) ? groups.items[0] : meta
  // Stryker disable next-line BooleanLiteral: as above.
  const age = group.get('age', true)
  const stanzas = isSeq(age)
    ? age.items
        .filter(isMap)
        .map((entry) => entry.get('enc'))
        .filter((enc): enc is string => typeof enc === 'string')
    : []
  if (stanzas.length === 0) fail(said`has no age recipients (only age is supported)`)
  let lastError: unknown
  for (const stanza of stanzas) {
    try {
      const key = Buffer.from(await decryptAge(stanza, keys, `The SOPS data key in input '${input}'`, input))
      if (key.length !== 32) fail(said`has a data key that is not 32 bytes`)
      return key
    } catch (error) {
      lastError = error
    }
  }
  throw lastError
}

/** Where a value is in the file, by its keys; the keys are the file's words, so each is an outside value. */
const keyPath = (path: string[]): Text => (path.length > 0 ? joined(path.map(outside), '.') : own('(top)'))

/** sops's walk: map values in order with the key path, list items with their parent's path. */
function walk(
  node: Node | null,
  path: string[],
  onLeaf: (scalar: Scalar, path: string[]) => void,
  fail: (why: Text) => never
): void {
  if (node === null || node === undefined) return
  if (isAlias(node)) fail(said`uses a YAML alias at ${keyPath(path)}, which sops never writes`)
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key)
        ? String(pair.key.source ?? pair.key.value)
        : fail(said`has a key that is not a plain string`)
      walk(pair.value as Node | null, [...path, key], onLeaf, fail)
    }
  } else if (isSeq(node)) {
    for (const item of node.items) walk(item as Node | null, path, onLeaf, fail)
  } else if (isScalar(node) && node.value !== null) {
    // sops skips nil values: neither decrypted nor part of the MAC.
    onLeaf(node, path)
  }
}

function shouldBeEncrypted(path: string[], rules: Rules): boolean {
  let encrypted = true
  if (rules.unencryptedSuffix && path.some((key) => key.endsWith(rules.unencryptedSuffix))) encrypted = false
  if (rules.encryptedSuffix) encrypted = path.some((key) => key.endsWith(rules.encryptedSuffix))
  if (rules.unencryptedRegex && path.some((key) => rules.unencryptedRegex?.(key))) encrypted = false
  if (rules.encryptedRegex) encrypted = path.some((key) => rules.encryptedRegex?.(key))
  return encrypted
}

/** AES-256-GCM with the path as additional data; returns the typed value and its MAC bytes. */
function openValue(
  enc: string,
  key: Buffer,
  additionalData: string,
  where: Text,
  fail: (why: Text) => never
): { value: unknown; macBytes: Buffer } {
  const match = ENC.exec(enc) ?? fail(said`has a value that should be encrypted but is not, at ${where}`)
  const [data, iv, tag] = [match[1], match[2], match[3]].map(
    (part) => decodeBase64(part ?? '') ?? fail(said`has a damaged value at ${where}`)
  )
  // sops writes the full 16-byte tag; GCM would accept a cut one, which proves far less.
  if ((tag as Buffer).length !== GCM_TAG_BYTES)
    fail(
      said`has a value at ${where} whose authentication tag is ${(tag as Buffer).length} bytes, not the ${GCM_TAG_BYTES} sops writes (altered)`
    )
  let plain: Buffer
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv as Buffer, { authTagLength: GCM_TAG_BYTES })
    decipher.setAAD(Buffer.from(additionalData))
    decipher.setAuthTag(tag as Buffer)
    plain = Buffer.concat([decipher.update(data as Buffer), decipher.final()])
  } catch {
    return fail(said`has a value at ${where} that does not decrypt under its path (altered or moved)`)
  }
  return typedValue(plain, match[4] as string, where, fail)
}

/** sops's value types, and ToBytes of the value for the MAC. */
function typedValue(
  plain: Buffer,
  type: string,
  where: Text,
  fail: (why: Text) => never
): { value: unknown; macBytes: Buffer } {
  const text = plain.toString('utf8')
  switch (type) {
    case 'str':
    case 'time':
      return { value: text, macBytes: plain }
    case 'bytes':
      return { value: text, macBytes: plain }
    case 'int':
    case 'int64': {
      if (!/^[+-]?\d+$/.test(text)) fail(said`has an int at ${where} that is not a number`)
      const value = BigInt(text)
      return {
        value: Number.isSafeInteger(Number(value)) ? Number(value) : value,
        macBytes: Buffer.from(value.toString())
      }
    }
    case 'float': {
      const value = Number(text)
      if (text.trim() === '' || !Number.isFinite(value)) fail(said`has a float at ${where} that is not a number`)
      return { value, macBytes: Buffer.from(goFloat(value)) }
    }
    case 'bool': {
      const value = {
        '1': true,
        t: true,
        T: true,
        TRUE: true,
        true: true,
        True: true,
        '0': false,
        f: false,
        F: false,
        FALSE: false,
        false: false,
        False: false
      }[text]
      if (value === undefined) fail(said`has a bool at ${where} that is not true or false`)
      return { value, macBytes: Buffer.from(value ? 'True' : 'False') }
    }
    default:
      return fail(said`has a value of unknown type '${type}' at ${where}`)
  }
}

/** ToBytes of an unencrypted value, as Go sees the YAML value. */
function goBytes(value: unknown, where: Text, fail: (why: Text) => never): Buffer {
  if (typeof value === 'string') return Buffer.from(value)
  if (typeof value === 'boolean') return Buffer.from(value ? 'True' : 'False')
  if (typeof value === 'number') return Buffer.from(Number.isInteger(value) ? value.toFixed(0) : goFloat(value))
  return fail(said`has an unencrypted value of an unsupported kind at ${where}`)
}

/**
 * strconv.FormatFloat(v, 'f', -1, 64): the shortest digits that round-trip, never an exponent.
 * JavaScript writes an exponent only from 1e21 up and below 1e-6, so the point of such a number
 * is always past its digits or before them, never among them.
 */
function goFloat(value: number): string {
  const shortest = String(value)
  if (!/e/i.test(shortest)) return shortest
  const [mantissa = '', exponentText = '0'] = shortest.toLowerCase().split('e')
  const negative = mantissa.startsWith('-')
  const unsigned = mantissa.replace(/^-/, '')
  const digits = unsigned.replace('.', '')
  const point = unsigned.indexOf('.')
  const integerDigits = (point === -1 ? digits.length : point) + Number(exponentText)
  const body =
    // Stryker disable next-line EqualityOperator: integerDigits is never 0 (see above).
    integerDigits <= 0 ? `0.${'0'.repeat(-integerDigits)}${digits}` : digits + '0'.repeat(integerDigits - digits.length)
  return (negative ? '-' : '') + body
}

function verifyMac(
  computed: string,
  stored: string | undefined,
  lastModified: string | undefined,
  key: Buffer,
  fail: (why: Text) => never
): void {
  if (!stored) fail(said`has no MAC`)
  if (!lastModified) fail(said`has no lastmodified date`)
  let mac: unknown
  try {
    mac = openValue(stored as string, key, lastModified as string, own('sops.mac'), fail).value
  } catch {
    return fail(said`has a MAC that does not open with its lastmodified date (altered)`)
  }
  if (mac !== computed) fail(said`does not match its MAC: it was altered after sops wrote it`)
}
