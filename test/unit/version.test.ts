import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { it } from 'node:test'
import { parse } from 'yaml'
import { VERSION } from '../../src/version.js'

it('the User-Agent version is the package version', () => {
  assert.equal(VERSION, JSON.parse(readFileSync('package.json', 'utf8')).version)
})

it('action.yml runs the bundle on Node 24', () => {
  const action = parse(readFileSync('action.yml', 'utf8'))
  assert.deepEqual(action.runs, { using: 'node24', main: 'dist/index.js' })
})
