import { said } from '../text.js'
import { bech32 } from '@scure/base'
import { UserError } from '../errors.js'

/** How an age-encrypted input may be opened: identities (X25519) and/or a passphrase (scrypt). */
export interface AgeKeys {
  identities: string[]
  passphrase: string | undefined
  /** Where the identities came from, for messages: "input 'age-key'" or "SOPS_AGE_KEY". */
  identitiesFrom: string
}

export const ARMOR_HEADER = '-----BEGIN AGE ENCRYPTED FILE-----'
const BINARY_HEADER = 'age-encryption.org/v1\n'

/** Whether bytes are a binary age file (its first line names the format). */
export function isBinaryAge(bytes: Uint8Array): boolean {
  return Buffer.from(bytes.subarray(0, BINARY_HEADER.length)).toString('latin1') === BINARY_HEADER
}

/** An identity as an age key file holds it: its text, and its line in the file (from 1). */
export interface KeyLine {
  text: string
  line: number
}

/** The identities of an age key file with their lines: one AGE-SECRET-KEY-1... a line; comments and blanks allowed. */
export function identityLines(text: string): KeyLine[] {
  return text
    .split(/\r?\n/)
    .map((line, index) => ({ text: line.trim(), line: index + 1 }))
    .filter(({ text }) => text !== '' && !text.startsWith('#'))
}

/** The identities of an age key file. */
export const readIdentities = (text: string): string[] => identityLines(text).map(({ text: identity }) => identity)

/**
 * What is wrong with an age identity, or undefined when nothing is: bech32 with its checksum,
 * the prefix age gives it (X25519, or the post-quantum hybrid), and a 32-byte key. The words
 * never quote it: one character away from a key that fails its checksum is the real key.
 */
export function identityProblem(identity: string): string | undefined {
  const upper = identity.toUpperCase()
  const prefix = upper.startsWith('AGE-SECRET-KEY-PQ-1') ? 'AGE-SECRET-KEY-PQ-' : 'AGE-SECRET-KEY-'
  if (!upper.startsWith(`${prefix}1`) || identity !== upper)
    return 'it is not an age identity (those start AGE-SECRET-KEY-1 and are upper case)'
  return bech32Problem(identity, prefix)
}

/**
 * What is wrong with a native age recipient (X25519, age1...), or undefined: plugin recipients
 * (age1yubikey1..., age1tpm1...) need their plugin's binary to encrypt, which this action has not.
 */
export function recipientProblem(recipient: string): string | undefined {
  if (!recipient.startsWith('age1')) return 'it is not an age recipient (those start age1)'
  const hrp = recipient.slice(0, recipient.lastIndexOf('1'))
  if (hrp !== 'age')
    return (
      `it is a recipient of the age plugin or kind '${hrp.slice(4) || hrp}', which needs more than age itself; ` +
      'give a native X25519 recipient (age-keygen -y key.txt)'
    )
  return bech32Problem(recipient, 'age')
}

function bech32Problem(text: string, prefix: string): string | undefined {
  try {
    const decoded = bech32.decodeToBytes(text)
    if (decoded.prefix.toUpperCase() !== prefix.toUpperCase()) return 'it is not of the kind age expects'
    if (decoded.bytes.length !== 32) return 'it does not hold a 32-byte key'
    return undefined
  } catch {
    return 'its checksum does not match: a character is mistyped, missing or extra'
  }
}

/**
 * Decrypts an age file, armored or binary, with the reference implementation (loaded only
 * here: it is not needed to check a certificate). `what` names the encrypted thing for
 * messages. Its scrypt work factor is capped, so a hostile file cannot make it run for long.
 */
export async function decryptAge(
  file: string | Uint8Array,
  keys: AgeKeys,
  what: string,
  input: string
): Promise<Uint8Array> {
  const { Decrypter, armor } = await import('age-encryption')
  if (keys.identities.length === 0 && keys.passphrase === undefined) {
    throw new UserError(
      said`${what} is age-encrypted, but no key was given: `.concat(
        said`set the 'age-key' input (or the SOPS_AGE_KEY environment variable) to an age identity, or 'age-passphrase'.`
      ),
      'age-key'
    )
  }
  const decrypter = new Decrypter()
  keys.identities.forEach((identity, index) => {
    try {
      decrypter.addIdentity(identity)
    } catch {
      // The library's message quotes the key: only its place is said.
      throw new UserError(
        said`Identity ${index + 1} in ${keys.identitiesFrom} is not an age identity age can use.`,
        'age-key'
      )
    }
  })
  if (keys.passphrase !== undefined) decrypter.addPassphrase(keys.passphrase)
  let bytes: Uint8Array
  try {
    bytes = typeof file === 'string' ? armor.decode(file) : file
  } catch {
    throw new UserError(said`${what} is not a well-formed armored age file.`, input)
  }
  try {
    return await decrypter.decrypt(bytes, 'uint8array')
  } catch (error) {
    const reason = ageFailure(error, keys, bytes)
    // A key that opens nothing is the key's fault; anything else is the file's.
    const concerns = /no identity matched/i.test(error instanceof Error ? error.message : '') ? 'age-key' : input
    throw new UserError(said`${what} could not be decrypted: ${reason}.`, concerns, { cause: error })
  }
}

/** age's own reasons, in words that name the input to fix; never its key material. */
function ageFailure(error: unknown, keys: AgeKeys, file: Uint8Array): string {
  const message = error instanceof Error ? error.message : ''
  if (/work factor is too high/.test(message)) return 'its scrypt work factor is above the limit of 2^20'
  if (/no identity matched/i.test(message) && keys.passphrase === undefined && passphraseFile(file)) {
    return "it is encrypted with a passphrase, not to an identity: set 'age-passphrase'"
  }
  if (/no identity matched/i.test(message)) {
    const tried = [
      keys.identities.length > 0 ? `the identities in ${keys.identitiesFrom}` : '',
      keys.passphrase !== undefined ? "'age-passphrase'" : ''
    ]
    return `none of ${tried.filter(Boolean).join(' or ')} opens it; check that it was encrypted to your key`
  }
  return 'the file is damaged or was altered'
}

/** Whether an age file's header has a scrypt stanza: it opens with a passphrase only. */
function passphraseFile(file: Uint8Array): boolean {
  const header = Buffer.from(file.subarray(0, 4096)).toString('latin1').split('\n---')[0] ?? ''
  return /^-> scrypt /m.test(header)
}
