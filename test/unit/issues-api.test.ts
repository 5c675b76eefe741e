// The issue's state is read from its body and from comments by its own author only: anyone
// who may comment could otherwise post the next state's marker and silence the action.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { issuesApi } from '../../src/github/issues.js'
import { startGitHubStandIn, TOKEN_USER } from '../support/github-standin.js'

const MARKER = '<!-- set: acme/ops TALOSCONFIG -->'
const state = (digest: string) => `${MARKER}\n<!-- state: ${digest} -->`
const stateOf = (text: string) => /<!-- state: ([a-z]+) -->/.exec(text)?.[1]

describe('issuesApi.findIssue', () => {
  it("reads the last state from the body and its author's comments, never from anyone else's", async () => {
    const github = await startGitHubStandIn({
      issues: [
        {
          number: 7,
          title: 'Talos client certificates need a person',
          body: state('first'),
          state: 'open',
          labels: ['talos-certificates'],
          comments: [state('second'), state('silenced'), 'a human reply'],
          commentAuthors: [TOKEN_USER, 'mallory', 'alice']
        }
      ]
    })
    try {
      const api = issuesApi({ owner: 'acme', repo: 'ops' }, { token: github.token, apiUrl: github.url, userAgent: 't' })
      assert.deepEqual(await api.findIssue('talos-certificates', MARKER, stateOf), { number: 7, lastState: 'second' })
    } finally {
      await github.close()
    }
  })
})
