// Text from outside (inputs, files, a node's answers, error texts) reaches the log. The runner
// reads two command forms (actions/runner, ActionCommand.cs): `::cmd::data` when a line starts
// with it after leading spaces, and the older `##[cmd]data` found anywhere in a line. A name
// such as `prod ##[stop-commands]x` would stop it from honouring every later `::add-mask::`.
// Every line the action prints goes through here.

/** The older form, wherever it stands: no `##[` survives. */
const breakOlderForm = (text: string): string => text.replace(/##\[/g, '#%23[')

/** One plain log line: escaped as the toolkit escapes command data, and no `##[` or `::` in it. */
export function inert(text: string): string {
  const line = text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
  return breakOlderForm(line).replace(/::/g, ':%3A')
}

/**
 * The text of an annotation (`::warning::text`), which the toolkit escapes as command data
 * (%, CR, LF). Its line is the annotation command itself, so the runner never reads a second
 * `::` form from it; the older form is looked for anywhere only when the first did not parse,
 * and is broken here all the same. An address such as [fd00::1] is left readable.
 */
export function inertAnnotation(text: string): string {
  return breakOlderForm(text)
}
