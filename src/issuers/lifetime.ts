import { said } from '../text.js'
import { UserError } from '../errors.js'
import type { IssueRequest } from './issuer.js'

const CA_NAMES = { talosconfig: 'Talos API CA', kubeconfig: 'Kubernetes CA' }

/** The time a new certificate would expire, refused when it outlives its CA. */
export function plannedNotAfter(request: IssueRequest, caNotAfter: Date): Date {
  const notAfter = new Date(request.now.getTime() + request.ttlMs)
  if (notAfter > caNotAfter) {
    const input = request.ttlInput
    throw new UserError(
      said`Input '${input}' asks for a certificate valid until ${notAfter.toISOString()}, `.concat(
        said`but the ${CA_NAMES[request.kind]} expires on ${caNotAfter.toISOString()}; `,
        said`a certificate that outlives its CA is not issued. Shorten '${input}' or rotate the CA.`
      ),
      input
    )
  }
  return notAfter
}
