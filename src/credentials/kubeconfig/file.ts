import { said } from '../../text.js'
import { Document, isMap, isSeq, type YAMLMap } from 'yaml'
import { base64Pem, parseYaml, readTextInput, secretForms } from '../../encoding.js'
import { UserError } from '../../errors.js'
import type { Credential } from '../../pki/issue.js'

const INPUT = 'kubeconfig'

export interface Kubeconfig {
  doc: Document.Parsed
  currentContext: string | undefined
}

/** The admin context of a kubeconfig: which cluster and user it joins, and the user's certificate. */
export interface KubeContext {
  name: string
  clusterName: string
  userName: string
  server: string | undefined
  caPem: string | undefined
  crtPem: string | undefined
  keyPem: string | undefined
}

export function readKubeconfig(value: string): Kubeconfig {
  const doc = parseYaml(readTextInput(value, INPUT), INPUT)
  if (!isMap(doc.contents) || !isSeq(doc.get('contexts', true)) || !isSeq(doc.get('users', true))) {
    throw new UserError(
      said`Input '${INPUT}' is YAML but not a kubeconfig (it lacks 'contexts' or 'users' lists).`,
      INPUT
    )
  }
  const current = doc.get('current-context')
  return { doc, currentContext: typeof current === 'string' && current !== '' ? current : undefined }
}

/** The entry of a kubeconfig list (`clusters`, `users`, `contexts`) with that name. */
function entry(doc: Document, list: string, name: string): YAMLMap | undefined {
  const seq = doc.get(list, true)
  return isSeq(seq) ? seq.items.find((item): item is YAMLMap => isMap(item) && item.get('name') === name) : undefined
}

/** The mapping under `key`, or undefined. */
function sub(map: YAMLMap | undefined, key: string): YAMLMap | undefined {
  const value = map?.get(key, true)
  return isMap(value) ? value : undefined
}

function pemField(map: YAMLMap | undefined, field: string, where: string): string | undefined {
  const value = map?.get(field)
  if (value === undefined || value === null || value === '') return undefined
  const pem = base64Pem(value)
  if (!pem)
    throw new UserError(
      said`${where}.${field} in input '${INPUT}' is not base64 of PEM text, as kubectl writes it.`,
      INPUT
    )
  return pem
}

/** The named context (the current one by default), with its cluster and user resolved. */
export function readKubeContext(config: Kubeconfig, name: string): KubeContext {
  const context = sub(entry(config.doc, 'contexts', name), 'context')
  if (!context)
    throw new UserError(
      said`Context '${name}' does not exist in input '${INPUT}'. `.concat(
        said`Set 'cluster-name' so that admin@<cluster-name> names it, or set its current-context.`
      ),
      'cluster-name'
    )
  const clusterName = scalar(context.get('cluster'))
  const userName = scalar(context.get('user'))
  const cluster = sub(entry(config.doc, 'clusters', clusterName), 'cluster')
  const user = sub(entry(config.doc, 'users', userName), 'user')
  const server = cluster?.get('server')
  return {
    name,
    clusterName,
    userName,
    server: typeof server === 'string' && server !== '' ? server : undefined,
    caPem: pemField(cluster, 'certificate-authority-data', `clusters.${clusterName}.cluster`),
    crtPem: pemField(user, 'client-certificate-data', `users.${userName}.user`),
    keyPem: pemField(user, 'client-key-data', `users.${userName}.user`)
  }
}

/** Every cluster's API server URL. */
export function servers(config: Kubeconfig): string[] {
  const clusters = config.doc.get('clusters', true)
  if (!isSeq(clusters)) return []
  return clusters.items.flatMap((item) => {
    const server = isMap(item) ? sub(item, 'cluster')?.get('server') : undefined
    return typeof server === 'string' && server !== '' ? [server] : []
  })
}

/** Every client certificate and key of the kubeconfig, base64 and PEM lines, for masking. */
export function sensitiveValues(config: Kubeconfig): string[] {
  const users = config.doc.get('users', true)
  if (!isSeq(users)) return []
  return users.items.flatMap((item) => {
    const user = isMap(item) ? sub(item, 'user') : undefined
    return ['client-certificate-data', 'client-key-data', 'token'].flatMap((field) => {
      const value = user?.get(field)
      return typeof value === 'string' && value !== '' ? secretForms(value) : []
    })
  })
}

export interface KubeUpdate {
  clusterName: string
  /** The API server; set in an existing kubeconfig only when `serverGiven`. */
  server: string
  serverGiven: boolean
  credential: Credential
}

const b64 = (pem: string): string => Buffer.from(pem).toString('base64')

/**
 * Writes the new admin certificate, key and CA into the kubeconfig, changing only that user's
 * client-certificate-data and client-key-data and its cluster's certificate-authority-data
 * (and the server when the input names one). Without a kubeconfig it makes the one Talos
 * makes, from the certificate, key, CA data and server alone (never anything else a node sent,
 * such as exec, token or auth-provider): cluster, user and context admin@<cluster>, namespace
 * default.
 */
export function renderKubeconfig(
  existing: Kubeconfig | undefined,
  context: KubeContext | undefined,
  update: KubeUpdate
): string {
  if (existing && context) {
    const doc = existing.doc.clone()
    const user = sub(entry(doc, 'users', context.userName), 'user')
    if (!user)
      throw new UserError(said`User '${context.userName}' of input '${INPUT}' has no 'user' section to renew.`, INPUT)
    user.set('client-certificate-data', b64(update.credential.crtPem))
    user.set('client-key-data', b64(update.credential.keyPem))
    const cluster = sub(entry(doc, 'clusters', context.clusterName), 'cluster')
    cluster?.set('certificate-authority-data', b64(update.credential.caPem))
    if (update.serverGiven) cluster?.set('server', update.server)
    return doc.toString({ lineWidth: 0 })
  }
  const admin = `admin@${update.clusterName}`
  return new Document({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: update.clusterName,
        cluster: { server: update.server, 'certificate-authority-data': b64(update.credential.caPem) }
      }
    ],
    users: [
      {
        name: admin,
        user: {
          'client-certificate-data': b64(update.credential.crtPem),
          'client-key-data': b64(update.credential.keyPem)
        }
      }
    ],
    contexts: [{ context: { cluster: update.clusterName, namespace: 'default', user: admin }, name: admin }],
    'current-context': admin
  }).toString({ lineWidth: 0 })
}

/**
 * A copy of the kubeconfig with no private key, for a public Actions variable, made from
 * scratch: clusters with their server and CA data, users with their client certificate only,
 * contexts, and the current context. Nothing else of the file (comments, proxy-url with a
 * password, tokens, exec plugins, extensions) reaches it.
 */
export function publicKubeconfig(config: Kubeconfig): string {
  const entries = (list: string) => {
    const seq = config.doc.get(list, true)
    return isSeq(seq) ? seq.items.filter((item): item is YAMLMap => isMap(item)) : []
  }
  const pick = (map: YAMLMap | undefined, keys: string[]) =>
    Object.fromEntries(
      keys.flatMap((key) => {
        const value = map?.get(key)
        return typeof value === 'string' && value !== '' ? [[key, value]] : []
      })
    )
  const named = (item: YAMLMap, field: string, keys: string[]) => ({
    name: scalar(item.get('name')),
    [field]: pick(sub(item, field), keys)
  })
  return new Document({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: entries('clusters').map((item) => named(item, 'cluster', ['server', 'certificate-authority-data'])),
    users: entries('users').map((item) => named(item, 'user', ['client-certificate-data'])),
    contexts: entries('contexts').map((item) => named(item, 'context', ['cluster', 'user', 'namespace'])),
    ...(config.currentContext ? { 'current-context': config.currentContext } : {})
  }).toString({ lineWidth: 0 })
}

/** A YAML scalar as text; anything else (a map, a list, nothing) as empty. */
const scalar = (value: unknown): string =>
  typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : ''
