// Files made by the real age CLI (Debian package age), for the tests of age decryption.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface AgeIdentity {
  /** The key file as age-keygen writes it: comments, then AGE-SECRET-KEY-1... */
  keyFile: string
  recipient: string
}

export function ageKeygen(): AgeIdentity {
  const keyFile = execFileSync('age-keygen', [], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
  const recipient = /# public key: (age1[0-9a-z]+)/.exec(keyFile)?.[1]
  if (!recipient) throw new Error('age-keygen wrote no public key')
  return { keyFile, recipient }
}

/** Encrypts to a recipient, armored or binary. */
export function ageEncrypt(plaintext: string | Buffer, recipient: string, armor: boolean): Buffer {
  return execFileSync('age', ['-r', recipient, ...(armor ? ['-a'] : [])], { input: plaintext })
}

/**
 * Encrypts with a passphrase. age reads passphrases only from a terminal, so it runs under
 * script(1), which gives it one and types the passphrase twice.
 */
export function ageEncryptWithPassphrase(plaintext: string, passphrase: string): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'age-'))
  writeFileSync(join(dir, 'in'), plaintext)
  execFileSync('script', ['-q', '-c', `age -p -a -o ${join(dir, 'out')} ${join(dir, 'in')}`, '/dev/null'], {
    input: `${passphrase}\n${passphrase}\n`,
    stdio: ['pipe', 'ignore', 'ignore'],
    timeout: 30_000
  })
  return readFileSync(join(dir, 'out'))
}
