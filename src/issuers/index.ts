// Chooses the one Issuer a run uses, from renew-through. The fallback from the cluster's API
// to the CA key lives here and nowhere else.
import type { AgeKeys } from '../sources/age.js'
import { joined, said, type Text } from '../text.js'
import type { CaSourceInput, OpenedSource } from '../sources/index.js'
import { Unreachable } from '../talos-api/errors.js'
import type { Issued, Issuer, IssueRequest } from './issuer.js'
import { LocalCaIssuer } from './local-ca.js'
import { TalosApiIssuer, type ApiContext } from './talos-api.js'

/**
 * auto: the cluster's Talos API first, the CA key when the API cannot be used; talos-api:
 * only the API; ca-key: only the CA key of secrets-bundle or machine-config.
 */
export type RenewThrough = 'auto' | 'talos-api' | 'ca-key'

export interface IssuerChoice {
  renewThrough: RenewThrough
  caSource: { input: CaSourceInput; value: string } | undefined
  ageKeys: AgeKeys
  /** The talosconfig context the API would be called with. */
  apiContext: ApiContext | undefined
  now: Date
  /** Receives every secret the CA source decrypts, the moment it exists. */
  mask(value: string): void
  /** Says what is being done: which CA source was read, which endpoints are asked. */
  info(message: Text): void
}

export interface Issuers {
  /** The issuer renewals go through, chosen from renew-through. */
  issuer: Issuer
  /** The CA key of the CA source, when one is given: the fallback, and what the break-glass drill proves. */
  breakGlass: LocalCaIssuer | undefined
}

/** The run's issuers; the CA source behind both is opened at most once, when first used. */
export function chooseIssuers(choice: IssuerChoice): Issuers {
  const local = choice.caSource && localIssuer(choice.caSource, choice)
  if (choice.renewThrough === 'ca-key' && local) return { issuer: local, breakGlass: local }
  const api = TalosApiIssuer.for(choice.apiContext, choice.now, choice.info)
  const issuer = choice.renewThrough === 'auto' && local ? new ApiFirstIssuer(api, local) : api
  return { issuer, breakGlass: local }
}

function localIssuer({ input, value }: { input: CaSourceInput; value: string }, choice: IssuerChoice): LocalCaIssuer {
  return new LocalCaIssuer(input, async (): Promise<OpenedSource> => {
    // Loaded here: reading and decrypting sources is renewal work, a check never needs it.
    const { openCaSource } = await import('../sources/index.js')
    const source = await openCaSource(input, value, choice.ageKeys, choice.mask)
    choice.info(said`Read the CA source from input '${input}' (${source.form}).`)
    return source
  })
}

/**
 * renew-through auto: the cluster's API whenever the talosconfig can call it, the CA key when
 * it cannot (no talosconfig, an expired or non-admin certificate, no endpoints) or when no
 * endpoint answers. A refusal by a node that was reached is final: it means something is
 * wrong that a person must see, and signing around it would hide it.
 */
export class ApiFirstIssuer implements Issuer {
  /** Once no endpoint answered, later credentials of the run go straight to the CA key. */
  private unreachable: Text | undefined

  constructor(
    private readonly api: Issuer & Pick<TalosApiIssuer, 'unusable'>,
    private readonly local: Issuer & Pick<LocalCaIssuer, 'input'>
  ) {}

  async issue(request: IssueRequest): Promise<Issued> {
    const reason = this.api.unusable ?? this.unreachable
    if (reason) return this.fallBack(request, reason)
    try {
      return await this.api.issue(request)
    } catch (error) {
      if (!(error instanceof Unreachable)) throw error
      const failures = error.failures.length > 0 ? joined(error.failures, '; ') : said`none within the time limit`
      this.unreachable = said`no endpoint answered: ${failures}`
      return this.fallBack(request, this.unreachable)
    }
  }

  private async fallBack(request: IssueRequest, reason: Text): Promise<Issued> {
    const issued = await this.local.issue(request)
    const message = said`Not through the Talos API for the ${request.kind}: ${reason}; signed with the CA of '${this.local.input}' instead.`
    return { ...issued, notes: [{ level: 'notice', message }, ...issued.notes] }
  }
}
