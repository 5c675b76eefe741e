// A throwaway Talos cluster PKI, made by the openssl CLI (an independent tool) with the same
// shapes Talos uses: the OS CA, the other CAs of a secrets bundle, and client certificates
// with chosen validity for the "current" talosconfig.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { stringify } from 'yaml'

export type CaAlgorithm = 'ed25519' | 'ecdsa' | 'rsa'

const CONFIG = `
[req]
distinguished_name = dn
prompt = no
[dn]
O = talos
[talos_ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, digitalSignature
extendedKeyUsage = serverAuth, clientAuth
subjectKeyIdentifier = hash
[ca]
default_ca = ca_default
[ca_default]
database = index.txt
new_certs_dir = .
serial = serial
default_md = default
policy = policy_any
unique_subject = no
copy_extensions = none
[policy_any]
organizationName = optional
commonName = optional
[client]
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
authorityKeyIdentifier = keyid
# No extended key usage at all.
[bare_client]
keyUsage = critical, digitalSignature
authorityKeyIdentifier = keyid
# What Talos before v1.3 issued: serverAuth as well, which Talos 1.12+ refuses.
[legacy_client]
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth, clientAuth
authorityKeyIdentifier = keyid
# What Talos's GenerateAdmin puts into the admin kubeconfig's certificate.
[kube_client]
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = clientAuth
authorityKeyIdentifier = keyid
[server]
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1
`

export function openssl(args: string[], cwd?: string, input?: string): string {
  return execFileSync('openssl', args, { cwd, input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] })
}

const b64 = (text: string): string => Buffer.from(text).toString('base64')

/** openssl writes PKCS#8 as PRIVATE KEY; Talos labels an Ed25519 key ED25519 PRIVATE KEY. */
const talosLabel = (pem: string): string =>
  pem.replace(/-----(BEGIN|END) PRIVATE KEY-----/g, '-----$1 ED25519 PRIVATE KEY-----')

function generateKey(dir: string, algorithm: CaAlgorithm, file: string): void {
  if (algorithm === 'ed25519') openssl(['genpkey', '-algorithm', 'ed25519', '-out', file], dir)
  if (algorithm === 'ecdsa') openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', file], dir)
  if (algorithm === 'rsa') openssl(['genrsa', '-traditional', '-out', file, '2048'], dir)
}

/** openssl's date form for -startdate/-enddate. */
const asn1Date = (date: Date): string =>
  date
    .toISOString()
    .replace(/[-:T]/g, '')
    .replace(/\.\d+Z$/, 'Z')

export interface ClientCertificate {
  crtPem: string
  keyPem: string
}

export interface Cluster {
  dir: string
  caCrtPem: string
  /** The CA key as Talos writes it in a bundle. */
  caKeyPem: string
  bundleYaml: string
  /** Signs a client certificate with the OS CA, as openssl ca does, with the given dates. */
  clientCertificate(options: {
    roles?: string[]
    notBefore: Date
    notAfter: Date
    /** Extended key usages: clientAuth as Talos issues (the default), serverAuth too as before v1.3, or none. */
    usages?: 'client' | 'legacy' | 'none'
  }): ClientCertificate
  /** A server certificate for 127.0.0.1 from the OS CA, as apid presents one. */
  serverCertificate(): ClientCertificate
  /**
   * A machine configuration as talosctl gen config lays it out (the parts that matter here);
   * `multiDocument` adds the separate documents newer Talos writes around the v1alpha1 one.
   */
  machineConfigYaml(type: 'controlplane' | 'worker', multiDocument?: boolean): string
  /** The Kubernetes CA certificate (certs.k8s) and its key. */
  k8sCaPem: string
  k8sCaKeyPem: string
  /**
   * A controlplane configuration as Talos 1.14 writes it: machine.ca in the v1alpha1 document,
   * the Kubernetes CA in a KubeAPIServerCAConfig document (PEM text, with `acceptedCAs`) and
   * the cluster's name and endpoint in a KubeClusterConfig document.
   */
  machineConfigTalos114Yaml(options: { acceptedCaPems?: string[]; clusterName: string; endpoint: string }): string
  /** An admin client certificate from the Kubernetes CA, as GenerateAdmin makes it. */
  kubeAdminCertificate(options: { notBefore: Date; notAfter: Date }): ClientCertificate
  /** A server certificate for 127.0.0.1 from the Kubernetes CA, as the API server presents one. */
  kubeServerCertificate(): ClientCertificate
}

export function makeCluster(
  options: { algorithm?: CaAlgorithm; caDays?: number; caValidity?: { notBefore: Date; notAfter: Date } } = {}
): Cluster {
  const algorithm = options.algorithm ?? 'ed25519'
  const dir = mkdtempSync(join(tmpdir(), 'talos-cluster-'))
  writeFileSync(join(dir, 'ca.cnf'), CONFIG)
  writeFileSync(join(dir, 'index.txt'), '')
  writeFileSync(join(dir, 'serial'), '01\n')
  generateKey(dir, algorithm, 'os.key')
  if (options.caValidity) {
    // A CA with chosen dates (expired, not yet valid): openssl ca signs it with its own key.
    openssl(['req', '-new', '-key', 'os.key', '-config', 'ca.cnf', '-out', 'os.csr'], dir)
    openssl(
      [
        'ca',
        '-batch',
        '-selfsign',
        '-config',
        'ca.cnf',
        '-keyfile',
        'os.key',
        '-in',
        'os.csr',
        '-out',
        'os.crt',
        '-notext',
        '-rand_serial',
        '-startdate',
        asn1Date(options.caValidity.notBefore),
        '-enddate',
        asn1Date(options.caValidity.notAfter),
        '-extensions',
        'talos_ca'
      ],
      dir
    )
  } else {
    openssl(
      [
        'req',
        '-x509',
        '-new',
        '-key',
        'os.key',
        '-config',
        'ca.cnf',
        '-extensions',
        'talos_ca',
        '-days',
        String(options.caDays ?? 3650),
        '-out',
        'os.crt'
      ],
      dir
    )
  }
  const read = (file: string): string => readFileSync(join(dir, file), 'utf8')
  const caCrtPem = read('os.crt')
  const caKeyPem = algorithm === 'ed25519' ? talosLabel(read('os.key')) : read('os.key')
  // The other CAs of a bundle: ECDSA P-256, as Talos makes them.
  const others: Record<string, { crt: string; key: string }> = {}
  for (const name of ['etcd', 'k8s', 'k8saggregator']) {
    generateKey(dir, 'ecdsa', `${name}.key`)
    openssl(
      [
        'req',
        '-x509',
        '-new',
        '-key',
        `${name}.key`,
        '-subj',
        name === 'k8s' ? '/O=kubernetes' : `/O=${name}`,
        '-days',
        '3650',
        '-out',
        `${name}.crt`
      ],
      dir
    )
    others[name] = { crt: b64(read(`${name}.crt`)), key: b64(read(`${name}.key`)) }
  }
  const bundleYaml = stringify(
    {
      cluster: { id: 'c2t0Zy1pZC0wMTIzNDU2Nzg5YWJjZGVm', secret: 'Y2x1c3Rlci1zZWNyZXQtMDEyMzQ1Njc4OWFiY2RlZg==' },
      secrets: {
        bootstraptoken: 'abcdef.0123456789abcdef',
        secretboxencryptionsecret: 'c2VjcmV0Ym94LWVuY3J5cHRpb24tc2VjcmV0LTAxMjM='
      },
      trustdinfo: { token: 'ghijkl.0123456789ghijkl' },
      certs: {
        etcd: others.etcd,
        k8s: others.k8s,
        k8saggregator: others.k8saggregator,
        k8sserviceaccount: { key: others.etcd?.key },
        os: { crt: b64(caCrtPem), key: b64(caKeyPem) }
      }
    },
    { indent: 4 }
  )
  let serial = 0
  return {
    dir,
    caCrtPem,
    caKeyPem,
    bundleYaml,
    clientCertificate({ roles = ['os:admin'], notBefore, notAfter, usages = 'client' }) {
      const subject = roles.length > 0 ? roles.map((role) => `/O=${role}`).join('') : '/CN=nobody'
      const section = { client: 'client', legacy: 'legacy_client', none: 'bare_client' }[usages]
      return sign(section, subject, notBefore, notAfter)
    },
    serverCertificate() {
      return sign('server', '/O=talos/CN=127.0.0.1', new Date(Date.now() - DAY_MS), new Date(Date.now() + DAY_MS))
    },
    k8sCaPem: read('k8s.crt'),
    k8sCaKeyPem: read('k8s.key'),
    machineConfigTalos114Yaml({ acceptedCaPems = [], clusterName, endpoint }) {
      const config = {
        version: 'v1alpha1',
        machine: {
          type: 'controlplane',
          token: 'abcdef.0123456789abcdef',
          ca: { crt: b64(caCrtPem), key: b64(caKeyPem) }
        },
        cluster: {
          id: 'c2t0Zy1pZC0wMTIzNDU2Nzg5YWJjZGVm',
          secret: 'Y2x1c3Rlci1zZWNyZXQtMDEyMzQ1Njc4OWFiY2RlZg==',
          token: 'ghijkl.0123456789ghijkl'
        }
      }
      const caConfig = {
        apiVersion: 'v1alpha1',
        kind: 'KubeAPIServerCAConfig',
        issuingCA: { cert: read('k8s.crt').trimEnd(), key: read('k8s.key').trimEnd() },
        acceptedCAs: acceptedCaPems.map((pem) => pem.trimEnd())
      }
      const clusterConfig = { apiVersion: 'v1alpha1', kind: 'KubeClusterConfig', clusterName, endpoint }
      return [config, caConfig, clusterConfig].map((doc) => stringify(doc, { indent: 4, lineWidth: 0 })).join('---\n')
    },
    kubeAdminCertificate({ notBefore, notAfter }) {
      return sign('kube_client', '/O=system:masters/CN=admin', notBefore, notAfter, 'k8s')
    },
    kubeServerCertificate() {
      return sign('server', '/CN=kube-apiserver', new Date(Date.now() - DAY_MS), new Date(Date.now() + DAY_MS), 'k8s')
    },
    machineConfigYaml(type, multiDocument = false) {
      const config = stringify(
        {
          version: 'v1alpha1',
          debug: false,
          persist: true,
          machine: {
            type,
            token: 'abcdef.0123456789abcdef',
            ca: { crt: b64(caCrtPem), key: type === 'controlplane' ? b64(caKeyPem) : '' },
            certSANs: [],
            kubelet: { image: 'ghcr.io/siderolabs/kubelet:v1.34.0' },
            install: { disk: '/dev/sda', image: 'ghcr.io/siderolabs/installer:v1.11.5' }
          },
          cluster: {
            id: 'c2t0Zy1pZC0wMTIzNDU2Nzg5YWJjZGVm',
            secret: 'Y2x1c3Rlci1zZWNyZXQtMDEyMzQ1Njc4OWFiY2RlZg==',
            controlPlane: { endpoint: 'https://127.0.0.1:9' },
            clusterName: 'demo',
            token: 'ghijkl.0123456789ghijkl',
            ca: others.k8s
          }
        },
        { indent: 4, lineWidth: 0 }
      )
      if (!multiDocument) return config
      return `apiVersion: v1alpha1\nkind: HostnameConfig\nhostname: cp-1\n---\n${config}---\napiVersion: v1alpha1\nkind: ExtensionServiceConfig\nname: tailscale\n`
    }
  }

  function sign(
    section: string,
    subject: string,
    notBefore: Date,
    notAfter: Date,
    ca: 'os' | 'k8s' = 'os'
  ): ClientCertificate {
    serial += 1
    const name = `${section}${serial}`
    generateKey(dir, ca === 'k8s' ? 'ecdsa' : algorithm, `${name}.key`)
    openssl(['req', '-new', '-key', `${name}.key`, '-subj', subject, '-out', `${name}.csr`], dir)
    openssl(
      [
        'ca',
        '-batch',
        '-config',
        'ca.cnf',
        '-cert',
        `${ca}.crt`,
        '-keyfile',
        `${ca}.key`,
        '-in',
        `${name}.csr`,
        '-out',
        `${name}.crt`,
        '-startdate',
        asn1Date(notBefore),
        '-enddate',
        asn1Date(notAfter),
        '-extensions',
        section,
        '-notext',
        '-rand_serial',
        '-preserveDN'
      ],
      dir
    )
    const keyPem = read(`${name}.key`)
    return { crtPem: read(`${name}.crt`), keyPem: ca === 'os' && algorithm === 'ed25519' ? talosLabel(keyPem) : keyPem }
  }
}

/** A talosconfig as talosctl writes it, with one context per entry. */
export function talosconfigYaml(
  current: string,
  contexts: Record<
    string,
    {
      endpoints: string[]
      nodes?: string[]
      caPem: string
      client?: ClientCertificate
      extra?: Record<string, unknown>
    }
  >
): string {
  return stringify(
    {
      context: current,
      contexts: Object.fromEntries(
        Object.entries(contexts).map(([name, c]) => [
          name,
          {
            endpoints: c.endpoints,
            ...(c.nodes ? { nodes: c.nodes } : {}),
            ca: b64(c.caPem),
            ...(c.client ? { crt: b64(c.client.crtPem), key: b64(c.client.keyPem) } : {}),
            ...c.extra
          }
        ])
      )
    },
    { indent: 4, lineWidth: 0 }
  )
}

/**
 * A kubeconfig as Talos writes it (cluster, user and context admin@NAME), with a second,
 * unrelated cluster, user and context that a renewal must keep.
 */
export function kubeconfigYaml(clusterName: string, server: string, caPem: string, client: ClientCertificate): string {
  const admin = `admin@${clusterName}`
  return stringify(
    {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        { name: clusterName, cluster: { server, 'certificate-authority-data': b64(caPem) } },
        { name: 'other', cluster: { server: 'https://other.example:6443', 'insecure-skip-tls-verify': true } }
      ],
      users: [
        { name: admin, user: { 'client-certificate-data': b64(client.crtPem), 'client-key-data': b64(client.keyPem) } },
        { name: 'someone', user: { token: 'tok3n-value-for-another-user' } }
      ],
      contexts: [
        { context: { cluster: clusterName, namespace: 'default', user: admin }, name: admin },
        { context: { cluster: 'other', user: 'someone' }, name: 'other' }
      ],
      'current-context': admin,
      preferences: {}
    },
    { lineWidth: 0 }
  )
}

export const DAY_MS = 86_400_000
export const daysFromNow = (days: number): Date => new Date(Date.now() + days * DAY_MS)
