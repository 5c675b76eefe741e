// libsodium is large and slow to start, so this module is imported only to write a secret.
import sodium from 'libsodium-wrappers'

/**
 * Encrypts a secret value for GitHub: a libsodium sealed box (crypto_box_seal) to the
 * scope's public key, base64-encoded, as the Actions secrets API expects.
 */
export async function sealSecret(value: string, publicKeyBase64: string): Promise<string> {
  await sodium.ready
  const publicKey = sodium.from_base64(publicKeyBase64, sodium.base64_variants.ORIGINAL)
  const sealed = sodium.crypto_box_seal(sodium.from_string(value), publicKey)
  return sodium.to_base64(sealed, sodium.base64_variants.ORIGINAL)
}
