// Endpoints and nodes are host[:port] and nothing else: they are quoted in the log and
// dialled, so anything that is not an address is refused before either.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { grpcTarget, invalidEndpoints, parseEndpoint } from '../../src/talos-api/endpoint.js'

describe('endpoints', () => {
  it('take port 50000 when they name none, as talosctl does', () => {
    assert.equal(grpcTarget('10.5.0.2'), '10.5.0.2:50000')
    assert.equal(grpcTarget('cp.example:50001'), 'cp.example:50001')
    assert.equal(grpcTarget('cp1'), 'cp1:50000')
    assert.equal(grpcTarget('fd00::1'), '[fd00::1]:50000')
    assert.equal(grpcTarget('[fd00::1]:6000'), '[fd00::1]:6000')
    assert.equal(grpcTarget('[::1]'), '[::1]:50000')
  })

  it('read host and port', () => {
    assert.deepEqual(parseEndpoint('127.0.0.1:9'), { host: '127.0.0.1', port: 9 })
    assert.deepEqual(parseEndpoint('cp-1.example.com.'), { host: 'cp-1.example.com.', port: undefined })
    assert.deepEqual(parseEndpoint('[fd00::1]:65535'), { host: 'fd00::1', port: 65535 })
    assert.deepEqual(parseEndpoint('10.0.0.1'), { host: '10.0.0.1', port: undefined })
    assert.deepEqual(parseEndpoint('cp-1.example1'), { host: 'cp-1.example1', port: undefined })
    assert.deepEqual(parseEndpoint('1password.example'), { host: '1password.example', port: undefined })
  })

  it('refuse anything that is not host[:port]', () => {
    const refused = [
      '',
      '10.5.0.2/##[stop-commands]t',
      '10.5.0.2:50000/x',
      'https://cp.example',
      'cp.example:0',
      'cp.example:65536',
      'cp.example:',
      'cp.example:50000:1',
      'fd00::1:50000x',
      '[fd00::1',
      '[cp.example]:50000',
      '[fd00::1]:x',
      'cp example',
      'cp\nexample',
      '-cp.example',
      'cp..example',
      'a::b::c',
      'x'.repeat(254),
      // IPv4 in any form but a plain dotted quad: getaddrinfo reads each as 127.0.0.1.
      '0177.0.0.1',
      '017.0.0.1',
      '127.1',
      '0x7f.1',
      '0x7f.0.0.1',
      '2130706433',
      '2130706433:50000',
      'cp.0x1',
      '256.0.0.1',
      // An IPv6 zone, bare, in brackets or percent-encoded.
      'fe80::1%eth0',
      '[fe80::1%eth0]:50000',
      '[fe80::1%25eth0]:50000'
    ]
    assert.deepEqual(invalidEndpoints(refused), refused)
    assert.throws(() => grpcTarget('10.5.0.2/x'))
  })
})
