// The GitHub stand-in is only as strict as its validator: it must refuse what GitHub would.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { validateRequest, validateResponse } from '../support/openapi.js'

const PUT_SECRET = '/repos/acme/ops/actions/secrets/TALOSCONFIG'

describe('the OpenAPI check of the stand-in', () => {
  it('accepts the requests the action sends', () => {
    assert.deepEqual(validateRequest('GET', '/repos/acme/ops/actions/secrets/public-key', undefined), [])
    assert.deepEqual(validateRequest('PUT', PUT_SECRET, { encrypted_value: 'c2VjcmV0', key_id: '0123' }), [])
  })

  it('refuses bodies GitHub would refuse', () => {
    assert.notDeepEqual(validateRequest('PUT', PUT_SECRET, { encrypted_value: 'not base64!', key_id: '0123' }), [])
    assert.notDeepEqual(validateRequest('PUT', PUT_SECRET, { encrypted_value: 'c2VjcmV0' }), [])
    assert.notDeepEqual(validateRequest('PUT', PUT_SECRET, { encrypted_value: 'c2VjcmV0', key_id: 123 }), [])
    assert.deepEqual(
      validateRequest('PUT', PUT_SECRET, { encrypted_value: 'c2VjcmV0', key_id: '1', visibility: 'all' }),
      ['body has properties the API does not define: visibility']
    )
  })

  it('refuses paths and methods that are not operations', () => {
    assert.deepEqual(validateRequest('POST', PUT_SECRET, {}), [
      `POST ${PUT_SECRET} is not an operation of GitHub's REST API`
    ])
    assert.deepEqual(validateRequest('GET', '/repos/acme/ops/secrets/public-key', undefined), [
      "GET /repos/acme/ops/secrets/public-key is not an operation of GitHub's REST API"
    ])
  })

  it('checks the stand-in answers too', () => {
    assert.deepEqual(
      validateResponse('GET', '/repos/acme/ops/actions/secrets/public-key', 200, { key_id: '1', key: 'a2V5' }),
      []
    )
    assert.notDeepEqual(validateResponse('GET', '/repos/acme/ops/actions/secrets/public-key', 200, { key: 'a2V5' }), [])
    assert.deepEqual(
      validateResponse('GET', '/repos/acme/ops/actions/secrets/public-key', 403, {
        message: 'Forbidden',
        documentation_url: 'x'
      }),
      []
    )
  })
})
