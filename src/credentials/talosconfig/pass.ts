// The talosconfig as a credential: every context read and judged, the selected one renewed
// with Talos's client profile for the configured roles, and written back into the same file.
import { own, said } from '../../text.js'
import { UserError } from '../../errors.js'
import type { Note } from '../../issuers/issuer.js'
import { plan } from '../../plan.js'
import { inspectCertificate } from '../../pki/inspect.js'
import { talosClientProfile, talosProbeProfile } from '../../pki/profile.js'
import { invalidEndpoints } from '../../talos-api/endpoint.js'
import { reportContext, type CheckedContext, type ContextReport } from '../judge.js'
import type { CredentialPass, OutputNames, PassContext } from '../pass.js'
import {
  publicTalosconfig,
  readContext,
  readTalosconfig,
  renderTalosconfig,
  sensitiveValues,
  type TalosContext,
  type Talosconfig
} from './file.js'

/** The inputs about the talosconfig. */
export interface TalosconfigOptions {
  talosconfig: string | undefined
  /** The context to check and renew; the file's current context by default. */
  context: string | undefined
  /** Given: replace the context's endpoints and nodes, and the endpoints the API is called at. */
  endpoints: string[]
  nodes: string[]
  /** The roles asked for; undefined keeps the current certificate's (os:admin for a first talosconfig). */
  roles: string[] | undefined
  ttlMs: number
  secretName: string
}

export const talosconfigOutputs: OutputNames = {
  kind: 'talosconfig',
  status: 'status',
  expiresAt: 'expires-at',
  daysRemaining: 'days-remaining',
  renewed: 'renewed',
  through: 'renewed-through',
  newExpiresAt: 'new-expires-at',
  secretUpdated: 'secret-updated',
  path: 'talosconfig-path',
  caExpiresAt: 'ca-expires-at'
}

export const talosChecked = (context: TalosContext): CheckedContext => ({
  kind: 'talosconfig',
  name: context.name,
  label: said`context '${context.name}'`,
  caName: own('Talos API CA'),
  caPem: context.caPem,
  crtPem: context.crtPem,
  crtField: said`contexts.${context.name}.crt`,
  caField: said`contexts.${context.name}.ca`,
  talosClientRules: true
})

/** Reads the talosconfig (or none, for a first one) and masks its keys before anything else. */
export function talosconfigPass(options: TalosconfigOptions, run: PassContext): CredentialPass {
  const talosconfig = options.talosconfig ? readTalosconfig(options.talosconfig) : undefined
  if (talosconfig) sensitiveValues(talosconfig).forEach((value) => run.mask(value))
  const contextName = selectedContext(talosconfig, options.context)
  const rule = { ...run.rule, ttlMs: options.ttlMs }
  const contexts = talosconfig ? reportContexts(talosconfig, contextName, rule, run.now) : []
  const current = talosconfig && readContext(talosconfig, contextName)
  // A renewal dials the endpoints, quotes them and writes them back: they must be addresses.
  if (current && run.mode === 'renew') refuseOddAddresses(current, options)
  return {
    kind: 'talosconfig',
    context: contextName,
    addresses: [...options.endpoints, ...options.nodes, ...fileAddresses(talosconfig)],
    contexts,
    decision: contexts[0]?.decision ?? plan(undefined, rule, run.now),
    secretName: options.secretName,
    reportRule: rule,
    publicSuffix: '',
    apiContext: current && {
      ...current,
      endpoints: options.endpoints.length > 0 ? options.endpoints : current.endpoints
    },
    request() {
      refuseOmni(current)
      const { roles, notes } = rolesFor(contexts[0]?.certificate?.organizations, options.roles, contextName)
      return {
        profile: talosClientProfile(roles),
        notes,
        ttl: { ms: options.ttlMs, input: 'ttl', given: true },
        current: current && {
          name: said`talosconfig context '${current.name}'`,
          caPem: current.caPem,
          crtPem: current.crtPem,
          caField: said`contexts.${current.name}.ca`
        }
      }
    },
    render: ({ credential }) =>
      renderTalosconfig(talosconfig, {
        name: contextName,
        endpoints: options.endpoints,
        nodes: options.nodes,
        credential
      }),
    readBack(text) {
      const context = readContext(readTalosconfig(text), contextName)
      return {
        context: talosChecked(context),
        proofTarget: { kind: 'talosconfig', context: context.name, endpoints: context.endpoints }
      }
    },
    publicCopy(renewedText) {
      const file = renewedText ? readTalosconfig(renewedText) : talosconfig
      return file && publicTalosconfig(file)
    },
    shared(renewedText) {
      const file = renewedText ? readTalosconfig(renewedText) : talosconfig
      const context = file && readContext(file, contextName)
      if (!context?.caPem) return undefined
      const { name, caPem, crtPem } = context
      return {
        name,
        endpoints: options.endpoints.length > 0 ? options.endpoints : context.endpoints,
        nodes: options.nodes.length > 0 ? options.nodes : context.nodes,
        trusted: { name: said`talosconfig context '${name}'`, caPem, crtPem, caField: said`contexts.${name}.ca` }
      }
    },
    standing(renewedText) {
      const file = renewedText ? readTalosconfig(renewedText) : talosconfig
      const context = file && readContext(file, contextName)
      const roles = context?.crtPem ? inspectCertificate(context.crtPem)?.organizations : undefined
      if (!context?.crtPem || !roles?.length) return undefined
      const endpoints = options.endpoints.length > 0 ? options.endpoints : context.endpoints
      return {
        current: {
          name: said`talosconfig context '${context.name}'`,
          caPem: context.caPem,
          crtPem: context.crtPem,
          caField: said`contexts.${context.name}.ca`
        },
        proofTarget: { kind: 'talosconfig', context: context.name, endpoints },
        drillProfile: talosProbeProfile()
      }
    }
  }
}

/** Every endpoint and node of every context of the talosconfig. */
function fileAddresses(talosconfig: Talosconfig | undefined): string[] {
  return (talosconfig?.contextNames ?? []).flatMap((name) => {
    const context = readContext(talosconfig as Talosconfig, name)
    return [...context.endpoints, ...context.nodes]
  })
}

/** One report per context of the talosconfig, the selected one first. */
export function reportContexts(
  talosconfig: Talosconfig,
  selected: string,
  rule: Parameters<typeof reportContext>[2],
  now: Date
): ContextReport[] {
  const names = [selected, ...talosconfig.contextNames.filter((name) => name !== selected)]
  return names.map((name) => reportContext(talosChecked(readContext(talosconfig, name)), name === selected, rule, now))
}

function selectedContext(talosconfig: Talosconfig | undefined, asked: string | undefined): string {
  if (talosconfig && talosconfig.contextNames.length === 0) {
    throw new UserError(
      said`Input 'talosconfig' holds no contexts. Pass a talosconfig made by talosctl (with its contexts), or leave `.concat(
        said`the input empty to make a first one from 'context' and 'endpoints' with 'secrets-bundle' or 'machine-config'.`
      ),
      'talosconfig'
    )
  }
  const name = asked ?? talosconfig?.current
  if (!name) {
    throw new UserError(
      said`Input 'talosconfig' selects no context (its 'context' is empty); set the 'context' input.`,
      'context'
    )
  }
  return name
}

/** The context's own endpoints and nodes, where no input replaces them, must each be host[:port]. */
function refuseOddAddresses(current: TalosContext, options: TalosconfigOptions): void {
  for (const field of ['endpoints', 'nodes'] as const) {
    const invalid = options[field].length > 0 ? [] : invalidEndpoints(current[field])
    if (invalid.length === 0) continue
    throw new UserError(
      said`contexts.${current.name}.${field} in input 'talosconfig' has ${invalid.map((entry) => `'${entry}'`).join(', ')}, `.concat(
        said`which is not host[:port]. Correct the talosconfig, or give the '${field}' input to replace them.`
      ),
      'talosconfig'
    )
  }
}

/**
 * A renewal keeps the roles of the certificate it replaces; 'roles' changes them, with a
 * warning, and says so when the new certificate can no longer renew itself through the API.
 */
function rolesFor(
  current: string[] | undefined,
  asked: string[] | undefined,
  context: string
): { roles: string[]; notes: Note[] } {
  if (!asked) {
    if (!current) return { roles: ['os:admin'], notes: [] }
    if (current.length > 0) return { roles: current, notes: [] }
    throw new UserError(
      said`The client certificate of context '${context}' carries no roles, so a renewal has none to keep; `.concat(
        said`set 'roles' to the roles it should have, such as os:admin.`
      ),
      'roles'
    )
  }
  const words = (roles: string[]) => [...roles].sort().join(', ') || 'no roles'
  if (!current || words(current) === words(asked)) return { roles: asked, notes: [] }
  const dropsAdmin = current.includes('os:admin') && !asked.includes('os:admin')
  const message =
    said`Input 'roles' changes the roles of talosconfig context '${context}' from ${words(current)} to ${words(asked)}.`.concat(
      dropsAdmin
        ? said` Without os:admin the renewed talosconfig cannot renew itself through the Talos `.concat(
            said`API: its next renewal will need the CA key ('secrets-bundle' or 'machine-config').`
          )
        : undefined
    )
  return { roles: asked, notes: [{ level: 'warning', message }] }
}

/** Omni's contexts sign in through its auth section: there is no client certificate to renew. */
function refuseOmni(current: TalosContext | undefined): void {
  if (!current?.hasAuth || current.crtPem) return
  throw new UserError(
    said`Context '${current.name}' of input 'talosconfig' signs in through Omni (its auth section), not with a client `.concat(
      said`certificate: there is nothing to renew. Set 'context' to a context with a client certificate.`
    ),
    'context'
  )
}
