// The real files in test/fixtures, made by other tools (its README names their origin and licence).
import { readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const SOPS = resolve(dirname(fileURLToPath(import.meta.url)), '../fixtures/sops')

export const sopsFixture = (name: string): string => readFileSync(join(SOPS, name), 'utf8')

/** talhelper's talsecret.sops.yaml (sops 3.8.0, age): a real Talos secrets bundle, and its key. */
export const talhelperBundle = () => ({
  text: sopsFixture('talhelper-talsecret.sops.yaml'),
  ageKey: sopsFixture('talhelper-age-key.txt')
})

/** sops-age's secret.enc.yaml (sops 3.8.1): str, int, float, bool and a list; its key and plaintext. */
export const sopsAgeSecret = () => ({
  text: sopsFixture('sops-age-secret.enc.yaml'),
  ageKey: sopsFixture('sops-age-key.txt'),
  plain: JSON.parse(sopsFixture('sops-age-secret.plain.json')) as Record<string, unknown>
})
