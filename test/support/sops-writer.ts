// A SOPS writer for rule tests that the published fixtures do not cover (suffixes, regexes,
// mac_only_encrypted). It follows sops's Tree.Encrypt; the data key is wrapped by the real
// age CLI. The decryptor is anchored by the files sops itself wrote; this only varies rules.
import { createCipheriv, createHash, randomBytes } from 'node:crypto'
import { RE2JS } from 're2js'
import { isMap, isScalar, isSeq, parseDocument, type Node } from 'yaml'
import { ageEncrypt } from './age-cli.js'

export interface SopsRules {
  unencrypted_suffix?: string
  encrypted_suffix?: string
  unencrypted_regex?: string
  encrypted_regex?: string
  mac_only_encrypted?: boolean
}

function encryptValue(plain: string, type: string, key: Buffer, aad: string): string {
  const iv = randomBytes(32)
  const cipher = createCipheriv('aes-256-gcm', key, iv)
  cipher.setAAD(Buffer.from(aad))
  const data = Buffer.concat([cipher.update(plain), cipher.final()])
  return `ENC[AES256_GCM,data:${data.toString('base64')},iv:${iv.toString('base64')},tag:${cipher.getAuthTag().toString('base64')},type:${type}]`
}

function shouldBeEncrypted(path: string[], rules: SopsRules): boolean {
  let encrypted = true
  const suffix =
    rules.unencrypted_suffix ??
    (rules.encrypted_suffix || rules.unencrypted_regex || rules.encrypted_regex ? '' : '_unencrypted')
  if (suffix && path.some((k) => k.endsWith(suffix))) encrypted = false
  if (rules.encrypted_suffix) encrypted = path.some((k) => k.endsWith(rules.encrypted_suffix as string))
  // Go's regexp, as sops: RE2 syntax, matched anywhere in the key.
  const matches = (pattern: string, key: string) => RE2JS.compile(pattern).matcher(key).find()
  if (rules.unencrypted_regex && path.some((k) => matches(rules.unencrypted_regex as string, k))) encrypted = false
  if (rules.encrypted_regex) encrypted = path.some((k) => matches(rules.encrypted_regex as string, k))
  return encrypted
}

/** A value written with an explicit sops type: its plaintext, and the bytes the MAC takes of it (Go's ToBytes). */
export interface TypedValue {
  text: string
  type: string
  mac?: string
}

export interface WriterOptions {
  /** Values by dotted path, encrypted with the given type instead of the one their YAML has. */
  typed?: Record<string, TypedValue>
  /** Put the age recipients in one key group (key_groups: [{ age: [...] }]), as newer sops does. */
  keyGroup?: boolean
  /** Leave out every age recipient. */
  noRecipients?: boolean
}

export function sopsEncrypt(
  plainYaml: string,
  recipient: string,
  rules: SopsRules = {},
  options: WriterOptions = {}
): string {
  const doc = parseDocument(plainYaml)
  const key = randomBytes(32)
  const hash = createHash('sha512')
  if (rules.mac_only_encrypted) hash.update(createHash('sha256').update('sops').digest())
  const visit = (node: Node | null, path: string[]): void => {
    if (isMap(node))
      for (const pair of node.items)
        visit(pair.value as Node, [...path, String((pair.key as { value: unknown }).value)])
    else if (isSeq(node)) for (const item of node.items) visit(item as Node, path)
    else if (isScalar(node) && node.value !== null) {
      const value = node.value
      const typed = options.typed?.[path.join('.')]
      const [text, type] = typed
        ? [typed.text, typed.type]
        : typeof value === 'boolean'
          ? [value ? 'True' : 'False', 'bool']
          : typeof value === 'number'
            ? [String(value), Number.isInteger(value) ? 'int' : 'float']
            : [String(value), 'str']
      const encrypted = shouldBeEncrypted(path, rules)
      if (!rules.mac_only_encrypted || encrypted) hash.update(typed?.mac ?? text)
      // sops leaves an empty string as it is: there is nothing to encrypt.
      if (encrypted && text !== '') node.value = encryptValue(text, type, key, `${path.join(':')}:`)
    }
  }
  visit(doc.contents as Node, [])
  const lastmodified = '2026-11-28T10:00:00Z'
  const enc = ageEncrypt(key, recipient, true).toString('utf8')
  const age = options.noRecipients ? [] : [{ recipient, enc }]
  doc.set('sops', {
    ...(options.keyGroup ? { key_groups: [{ age }] } : { age }),
    lastmodified,
    mac: encryptValue(hash.digest('hex').toUpperCase(), 'str', key, lastmodified),
    ...rules,
    version: '3.8.1'
  })
  return doc.toString()
}
