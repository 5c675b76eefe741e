// Property-based tests of the parsers: whatever they are given, they return the right thing
// or refuse with a UserError, never another exception.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { parseDuration } from '../../src/duration.js'
import { decodeBase64, encodePem, parsePem } from '../../src/encoding.js'
import { UserError } from '../../src/errors.js'
import { openInput } from '../../src/sources/open.js'
import { readContext, readTalosconfig, renderTalosconfig } from '../../src/credentials/talosconfig/file.js'

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }
const noKeys = { identities: [], passphrase: undefined, identitiesFrom: "input 'age-key'" }

/** Runs fn; anything thrown must be a UserError. */
function onlyUserErrors(fn: () => unknown): void {
  try {
    fn()
  } catch (error) {
    assert.ok(error instanceof UserError, `${(error as Error)?.name}: ${(error as Error)?.message}`)
  }
}

describe('properties', () => {
  it('durations: Go-style terms add up, and any text parses to a number or to nothing', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 10_000 }), fc.constantFrom(...Object.keys(UNITS))), {
          minLength: 1,
          maxLength: 4
        }),
        (terms) => {
          const text = terms.map(([n, unit]) => `${n}${unit}`).join('')
          assert.equal(
            parseDuration(text),
            terms.reduce((sum, [n, unit]) => sum + n * (UNITS[unit] as number), 0)
          )
        }
      )
    )
    fc.assert(
      fc.property(fc.string(), (text) => {
        const ms = parseDuration(text)
        assert.ok(ms === undefined || Number.isFinite(ms))
      })
    )
  })

  it('base64 and PEM: what is encoded decodes to the same bytes; anything else is refused quietly', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 600 }),
        fc.constantFrom('CERTIFICATE', 'ED25519 PRIVATE KEY', 'EC PRIVATE KEY'),
        (bytes, label) => {
          assert.deepEqual(decodeBase64(Buffer.from(bytes).toString('base64')), Buffer.from(bytes))
          assert.deepEqual(parsePem(encodePem(label, bytes)), [{ label, der: Buffer.from(bytes) }])
        }
      )
    )
    fc.assert(
      fc.property(fc.string(), (text) => {
        decodeBase64(text)
        for (const block of parsePem(text)) assert.ok(block.der.length > 0)
      })
    )
  })

  it('talosconfig: a rendered context reads back the same, and any text is read or refused plainly', () => {
    const name = fc.stringMatching(/^[a-z][a-z0-9@._-]{0,20}$/)
    const address = fc.ipV4()
    const pem = (label: string) =>
      fc.uint8Array({ minLength: 1, maxLength: 200 }).map((bytes) => encodePem(label, bytes))
    fc.assert(
      fc.property(
        name,
        fc.array(address, { minLength: 1, maxLength: 3 }),
        fc.array(address, { maxLength: 3 }),
        pem('CERTIFICATE'),
        pem('CERTIFICATE'),
        pem('ED25519 PRIVATE KEY'),
        (context, endpoints, nodes, caPem, crtPem, keyPem) => {
          const text = renderTalosconfig(undefined, {
            name: context,
            endpoints,
            nodes,
            credential: { caPem, crtPem, keyPem }
          })
          const read = readContext(readTalosconfig(text), context)
          assert.deepEqual(read, { name: context, endpoints, nodes, caPem, crtPem, keyPem, hasAuth: false })
          assert.equal(readTalosconfig(Buffer.from(text).toString('base64')).current, context)
        }
      )
    )
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) =>
        onlyUserErrors(() => {
          const config = readTalosconfig(text)
          for (const context of config.contextNames) readContext(config, context)
        })
      )
    )
  })

  it('input forms: YAML and base64 of it open alike; anything else is refused with a UserError', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.stringMatching(/^[a-z]{1,8}$/), fc.stringMatching(/^[a-zA-Z0-9]{1,12}$/), {
          minKeys: 1,
          maxKeys: 5
        }),
        async (map) => {
          const yaml = Object.entries(map)
            .map(([k, v]) => `${k}: "${v}"`)
            .join('\n')
          const plain = await openInput(yaml, 'secrets-bundle', noKeys)
          const wrapped = await openInput(Buffer.from(yaml).toString('base64'), 'secrets-bundle', noKeys)
          assert.equal(plain.form, 'YAML')
          assert.deepEqual(
            plain.docs.map((doc) => doc.toJS()),
            wrapped.docs.map((doc) => doc.toJS())
          )
        }
      )
    )
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes).toString('base64'))
        ),
        async (text) => {
          try {
            await openInput(text, 'secrets-bundle', noKeys)
          } catch (error) {
            assert.ok(error instanceof UserError, `${(error as Error)?.name}: ${(error as Error)?.message}`)
          }
        }
      )
    )
  })
})
