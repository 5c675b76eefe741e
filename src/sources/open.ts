// The one place that finds out which form an input was given in: plain or base64 YAML,
// SOPS, or an age file (armored, or binary wrapped in base64) around either.
import { said } from '../text.js'
import type { Document } from 'yaml'
import { parseYamlDocuments, readInputBytes } from '../encoding.js'
import { UserError } from '../errors.js'
import { ARMOR_HEADER, decryptAge, isBinaryAge, type AgeKeys } from './age.js'
import { stringValues } from './secret-values.js'
import { decryptSops, isSops } from './sops.js'

export type Form = 'YAML' | 'SOPS' | 'age' | 'age around SOPS'

export interface OpenedInput {
  form: Form
  /** Every YAML document of the input, decrypted. */
  docs: Document[]
  /** Every value that was encrypted, to be masked before anything else happens. */
  plaintexts: string[]
}

export async function openInput(value: string, input: string, keys: AgeKeys): Promise<OpenedInput> {
  const bytes = readInputBytes(value, input)
  const what = `Input '${input}'`
  let encryptedWithAge = true
  let text: string
  // An armored file starts with its header; a SOPS file carries such blocks inside, as values.
  if (bytes.toString('utf8').trimStart().startsWith(ARMOR_HEADER)) {
    text = Buffer.from(await decryptAge(bytes.toString('utf8').trim(), keys, what, input)).toString('utf8')
  } else if (isBinaryAge(bytes)) {
    text = Buffer.from(await decryptAge(bytes, keys, what, input)).toString('utf8')
  } else {
    encryptedWithAge = false
    text = bytes.toString('utf8')
  }
  const docs = parseYamlDocuments(text, input)
  const sops = docs.filter(isSops)
  if (sops.length === 0 && docs.flatMap(stringValues).some((value) => value.startsWith('ENC['))) {
    // yq and other tools keep sops's ENC[...] values but drop the sops section they need.
    throw new UserError(
      said`Input '${input}' is still SOPS-encrypted (its values are ENC[...]) but has no 'sops' section to decrypt `.concat(
        said`them with: a tool other than sops changed it. Decrypt it first ('sops -d file.sops.yaml'), or pass the `,
        said`file exactly as sops wrote it.`
      ),
      input
    )
  }
  if (sops.length === 0)
    return {
      form: encryptedWithAge ? 'age' : 'YAML',
      docs,
      plaintexts: encryptedWithAge ? docs.flatMap(stringValues) : []
    }
  if (docs.length > 1) {
    throw new UserError(
      said`Input '${input}' is a multi-document SOPS file, which this action does not read; `.concat(
        said`give it as plain YAML in a secret, or encrypt it with age.`
      ),
      input
    )
  }
  const decrypted = await decryptSops(sops[0] as Document.Parsed, keys, input)
  return {
    form: encryptedWithAge ? 'age around SOPS' : 'SOPS',
    docs: [decrypted.doc],
    plaintexts: decrypted.plaintexts
  }
}
