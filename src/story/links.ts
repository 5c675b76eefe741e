// The action's own links, to the sections of its README that say what to do: the one thing a
// person needs after reading a verdict. They are the action's own words, so the gate keeps them.
// A test holds each anchor to a heading of README.md.

/** README headings, by what a reader needs from them (GitHub's anchors for them). */
export const README_SECTIONS = {
  credentials: '2-the-credentials-to-keep-alive',
  renewNow: '3-renewal-on-demand',
  drill: 'the-break-glass-drill',
  kubeconfig: 'the-admin-kubeconfig-too',
  troubleshooting: 'troubleshooting',
  glossary: 'glossary'
} as const

export type ReadmeSection = keyof typeof README_SECTIONS

/** Where the README is, when the runner said (GITHUB_ACTION_REPOSITORY); words alone otherwise. */
export interface Links {
  readmeUrl: string | undefined
}

/** A link to a README section, or its title in words when there is no URL to link to. */
export function readmeLink(links: Links, section: ReadmeSection, text: string): string {
  return links.readmeUrl ? `[${text}](${links.readmeUrl}#${README_SECTIONS[section]})` : `the README's "${text}"`
}
