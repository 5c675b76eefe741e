// A line-by-line port of how the Actions runner reads a step's output (actions/runner:
// ActionCommand.TryParseV2 and TryParse, ActionCommandManager.TryProcessCommand, and the
// secret masker): the `::cmd::data` form after leading spaces, the older `##[cmd]data` form
// anywhere in a line, `stop-commands` with its resume token, and every value added with
// add-mask masked in the lines after it. Tests hold the action's log to it: the commands it
// finds are the action's own, and nothing secret is readable in what a person sees.

/** The commands the runner registers (ActionCommandManager and its extensions). */
const REGISTERED = [
  'stop-commands',
  'set-env',
  'set-output',
  'save-state',
  'add-mask',
  'add-path',
  'add-matcher',
  'remove-matcher',
  'warning',
  'error',
  'notice',
  'debug',
  'group',
  'endgroup',
  'echo'
]

export interface RunnerCommand {
  command: string
  data: string
  /** The raw line it came from. */
  line: string
}

export interface RunnerView {
  /** Every line the runner took as a command, in order. */
  commands: RunnerCommand[]
  /** What a person sees in the log: plain lines and annotation texts, masks applied. */
  shown: string[]
}

const unescapeData = (text: string) => text.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%')
const unescapeV1 = (text: string) =>
  text.replace(/%3B/g, ';').replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%5D/g, ']').replace(/%25/g, '%')

/** `::cmd props::data` once leading spaces are trimmed; the command must be registered. */
function parseV2(line: string, registered: Set<string>): Omit<RunnerCommand, 'line'> | undefined {
  const message = line.trimStart()
  if (!message.startsWith('::')) return undefined
  const end = message.indexOf('::', 2)
  if (end < 0) return undefined
  const info = message.slice(2, end)
  const command = info.split(' ')[0] as string
  if (!registered.has(command.toLowerCase())) return undefined
  return { command, data: unescapeData(message.slice(end + 2)) }
}

/** `##[cmd props]data` anywhere in the line; the command must be registered. */
function parseV1(line: string, registered: Set<string>): Omit<RunnerCommand, 'line'> | undefined {
  const prefix = line.indexOf('##[')
  if (prefix < 0) return undefined
  const close = line.indexOf(']', prefix)
  if (close < 0) return undefined
  const command = line.slice(prefix + 3, close).split(' ')[0] as string
  if (!registered.has(command.toLowerCase())) return undefined
  return { command, data: unescapeV1(line.slice(close + 1)) }
}

/** Reads stdout (or stdout and stderr) as the runner would. */
export function readAsRunner(output: string): RunnerView {
  const registered = new Set(REGISTERED)
  const masks: string[] = []
  const commands: RunnerCommand[] = []
  const shown: string[] = []
  let stopToken: string | undefined
  const mask = (text: string) => masks.reduce((line, value) => line.split(value).join('***'), text)
  for (const line of output.split(/\r\n|\r|\n/)) {
    const parsed = parseV2(line, registered) ?? parseV1(line, registered)
    if (!parsed) {
      shown.push(mask(line))
      continue
    }
    const name = parsed.command.toLowerCase()
    if (stopToken !== undefined) {
      // Stopped: only the resume token is a command; every other line is shown as it is.
      if (name === stopToken.toLowerCase()) {
        registered.delete(stopToken.toLowerCase())
        stopToken = undefined
        commands.push({ ...parsed, line })
      }
      shown.push(mask(line))
      continue
    }
    commands.push({ ...parsed, line })
    if (name === 'stop-commands') {
      stopToken = parsed.data
      registered.add(stopToken.toLowerCase())
      shown.push(mask(line))
    } else if (name === 'add-mask') {
      if (parsed.data.trim() !== '') masks.push(parsed.data)
    } else {
      shown.push(mask(parsed.data))
    }
  }
  return { commands, shown }
}
