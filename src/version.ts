/** The action's name and version, sent as the User-Agent; kept equal to package.json by a test. */
export const ACTION_NAME = 'talos-client-cert-renewal'
export const VERSION = '2.0.0'
