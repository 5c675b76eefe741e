// Text from inputs (context, cluster and user names, endpoints) reaches the log. The runner
// reads a line that starts with `::` as a command: a name such as `prod\n::stop-commands::x`
// would stop it from honouring every later `::add-mask::`. Annotations are escaped by the
// toolkit; plain log lines go through here.

/** One log line that can never be a workflow command: escaped as the toolkit escapes command data. */
export function inert(text: string): string {
  const line = text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
  return line.startsWith('::') ? ` ${line}` : line
}
