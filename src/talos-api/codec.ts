// Protocol buffer encoding of the messages renewal exchanges with apid (machine.proto beside
// this file), by hand: the whole protobuf runtime is not worth loading for a handful of fields.

export interface GenerateRequest {
  roles: string[]
  crtTtlSeconds: number
}

export interface GeneratedConfiguration {
  hostname: string
  error: string
  ca: Buffer
  crt: Buffer
  key: Buffer
}

function varint(value: number): Buffer {
  const bytes: number[] = []
  let rest = BigInt(value)
  do {
    let byte = Number(rest & 0x7fn)
    rest >>= 7n
    if (rest > 0n) byte |= 0x80
    bytes.push(byte)
  } while (rest > 0n)
  return Buffer.from(bytes)
}

function field(number: number, payload: Buffer): Buffer {
  return Buffer.concat([varint((number << 3) | 2), varint(payload.length), payload])
}

export function encodeRequest(request: GenerateRequest): Buffer {
  const duration =
    request.crtTtlSeconds > 0 ? Buffer.concat([varint(1 << 3), varint(request.crtTtlSeconds)]) : Buffer.alloc(0)
  return Buffer.concat([...request.roles.map((role) => field(1, Buffer.from(role))), field(2, duration)])
}

/** Fields of a message: number, wire type and, for length-delimited ones, the bytes. */
function* fields(buffer: Buffer): Generator<{ number: number; bytes?: Buffer }> {
  let at = 0
  const readVarint = (): number => {
    let result = 0n
    for (let shift = 0n; ; shift += 7n) {
      if (at >= buffer.length || shift > 63n) throw new Error('truncated varint')
      const byte = buffer[at++] as number
      result |= BigInt(byte & 0x7f) << shift
      if (!(byte & 0x80)) return Number(result)
    }
  }
  while (at < buffer.length) {
    const key = readVarint()
    const wire = key & 7
    if (wire === 0) {
      readVarint()
      yield { number: key >> 3 }
    } else if (wire === 2) {
      const length = readVarint()
      if (at + length > buffer.length) throw new Error('truncated field')
      yield { number: key >> 3, bytes: buffer.subarray(at, at + length) }
      at += length
    } else if (wire === 1 || wire === 5) {
      at += wire === 1 ? 8 : 4
      yield { number: key >> 3 }
    } else {
      throw new Error(`unsupported wire type ${wire}`)
    }
  }
}

/** common.Metadata: who answered, and the error a node reports in place of an answer. */
function decodeMetadata(bytes: Buffer): { hostname: string; error: string } {
  const metadata = { hostname: '', error: '' }
  for (const meta of fields(bytes)) {
    if (meta.number === 1 && meta.bytes) metadata.hostname = meta.bytes.toString('utf8')
    if (meta.number === 2 && meta.bytes) metadata.error = meta.bytes.toString('utf8')
  }
  return metadata
}

/** One message of a `stream common.Data` (Kubeconfig): metadata, and a piece of the bytes. */
export interface DataMessage {
  hostname: string
  error: string
  bytes: Buffer
}

export function decodeData(buffer: Buffer): DataMessage {
  const message: DataMessage = { hostname: '', error: '', bytes: Buffer.alloc(0) }
  for (const { number, bytes } of fields(buffer)) {
    if (!bytes) continue
    if (number === 1) Object.assign(message, decodeMetadata(bytes))
    if (number === 2) message.bytes = Buffer.from(bytes)
  }
  return message
}

export function decodeResponse(buffer: Buffer): GeneratedConfiguration[] {
  const messages: GeneratedConfiguration[] = []
  for (const message of fields(buffer)) {
    if (message.number !== 1 || !message.bytes) continue
    const out: GeneratedConfiguration = {
      hostname: '',
      error: '',
      ca: Buffer.alloc(0),
      crt: Buffer.alloc(0),
      key: Buffer.alloc(0)
    }
    for (const { number, bytes } of fields(message.bytes)) {
      if (!bytes) continue
      if (number === 1) Object.assign(out, decodeMetadata(bytes))
      if (number === 2) out.ca = Buffer.from(bytes)
      if (number === 3) out.crt = Buffer.from(bytes)
      if (number === 4) out.key = Buffer.from(bytes)
    }
    messages.push(out)
  }
  return messages
}

/** Who answered Version, and its Talos version tag. */
export interface NodeVersion {
  hostname: string
  tag: string
}

export function decodeVersion(buffer: Buffer): NodeVersion[] {
  const versions: NodeVersion[] = []
  for (const message of fields(buffer)) {
    if (message.number !== 1 || !message.bytes) continue
    const version: NodeVersion = { hostname: '', tag: '' }
    for (const { number, bytes } of fields(message.bytes)) {
      if (number === 1 && bytes) version.hostname = decodeMetadata(bytes).hostname
      if (number === 2 && bytes)
        for (const info of fields(bytes)) if (info.number === 1 && info.bytes) version.tag = info.bytes.toString('utf8')
    }
    versions.push(version)
  }
  return versions
}
