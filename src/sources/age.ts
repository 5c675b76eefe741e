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

/** The identities of an age key file: one AGE-SECRET-KEY-1... a line; comments and blanks allowed. */
export function readIdentities(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
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
      `${what} is age-encrypted, but no key was given: ` +
        `set the 'age-key' input (or the SOPS_AGE_KEY environment variable) to an age identity, or 'age-passphrase'.`,
      input
    )
  }
  const decrypter = new Decrypter()
  for (const identity of keys.identities) decrypter.addIdentity(identity)
  if (keys.passphrase !== undefined) decrypter.addPassphrase(keys.passphrase)
  let bytes: Uint8Array
  try {
    bytes = typeof file === 'string' ? armor.decode(file) : file
  } catch {
    throw new UserError(`${what} is not a well-formed armored age file.`, input)
  }
  try {
    return await decrypter.decrypt(bytes, 'uint8array')
  } catch (error) {
    throw new UserError(`${what} could not be decrypted: ${ageFailure(error, keys, bytes)}.`, input, { cause: error })
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
