import { randomBytes } from 'node:crypto';

const OPCODE_BINARY = 0x2;
const OPCODE_CLOSE = 0x8;
const OPCODE_PONG = 0xa;
/** RFC 6455 5.5: control frames carry at most 125 bytes and are never fragmented. */
const MAX_CONTROL_PAYLOAD = 125;
/** 1002: the peer broke the framing rules (a control frame too long or fragmented, a reserved opcode). */
export const CLOSE_PROTOCOL_ERROR = 1002;
/** 1009: a message was larger than the route allows. */
export const CLOSE_TOO_BIG = 1009;

/**
 * Follows RFC 6455 framing in one direction of a relayed WebSocket without copying or buffering
 * payloads: it only reads frame headers, so the relay knows where frames end (to slip in a close
 * frame of its own) and how large a message has grown (to enforce a size limit). The header is
 * decoded byte by byte into plain number fields rather than gathered in a buffer: two scanners sit
 * on every idle relay, and a Buffer each would cost more than the rest of their state.
 */
export class FrameScanner {
  /** Header bytes of the current frame seen so far (0 between frames). */
  private headerHave = 0;
  private headerNeed = 2;
  /** Header offset where the extended payload length ends (2 when there is none). */
  private lengthEnd = 2;
  /** The header's first byte: FIN flag and opcode. */
  private first = 0;
  private length = 0;
  private payloadLeft = 0;
  private messageBytes = 0;
  /**
   * The close code for the first frame that broke the rules (CLOSE_PROTOCOL_ERROR or
   * CLOSE_TOO_BIG), judged from its header before any of its payload is passed on; the relay then
   * ends the connection.
   */
  violation: number | undefined = undefined;

  constructor(private readonly maxMessageBytes: number) {}

  /** True between frames: a frame written now cannot split one in flight. */
  get atBoundary(): boolean {
    return this.headerHave === 0 && this.payloadLeft === 0;
  }

  /**
   * Scans `chunk` from `offset` and returns where it stopped: at the end of the chunk, or just
   * after the first frame that ended inside it (so a caller can act on that boundary).
   */
  consume(chunk: Buffer, offset: number): number {
    while (offset < chunk.length) {
      if (this.payloadLeft > 0) {
        const take = Math.min(this.payloadLeft, chunk.length - offset);
        this.payloadLeft -= take;
        offset += take;
        if (this.payloadLeft === 0) {
          this.frameDone();
          return offset;
        }
        continue;
      }
      this.headerByte(chunk[offset++]!);
      if (this.headerHave < this.headerNeed) continue;
      this.headerParsed();
      if (this.payloadLeft === 0) {
        this.frameDone();
        return offset;
      }
    }
    return offset;
  }

  /** Scans a whole chunk; false once a frame broke the rules (see `violation`). */
  scan(chunk: Buffer): boolean {
    let offset = 0;
    while (offset < chunk.length && this.violation === undefined) offset = this.consume(chunk, offset);
    return this.violation === undefined;
  }

  /** Takes one header byte (RFC 6455 5.2); mask key bytes are counted and skipped. */
  private headerByte(byte: number): void {
    const index = this.headerHave++;
    if (index === 0) {
      this.first = byte;
    } else if (index === 1) {
      const length7 = byte & 0x7f;
      this.length = length7 < 126 ? length7 : 0;
      this.lengthEnd = 2 + (length7 === 126 ? 2 : length7 === 127 ? 8 : 0);
      this.headerNeed = this.lengthEnd + (byte & 0x80 ? 4 : 0);
    } else if (index < this.lengthEnd) {
      // Big-endian; beyond 2^53 precision goes, but such a frame is over any size limit anyway.
      this.length = this.length * 256 + byte;
    }
  }

  private headerParsed(): void {
    this.payloadLeft = this.length;
    const opcode = this.first & 0x0f;
    if (opcode >= OPCODE_CLOSE) {
      // Control frames (close, ping, pong) may sit between fragments and do not count towards the
      // message, so they get RFC 6455's own bound instead: 125 bytes, unfragmented, known opcodes.
      if (opcode > OPCODE_PONG || (this.first & 0x80) === 0 || this.length > MAX_CONTROL_PAYLOAD) this.violation ??= CLOSE_PROTOCOL_ERROR;
    } else if (opcode > OPCODE_BINARY) {
      this.violation ??= CLOSE_PROTOCOL_ERROR;
    } else {
      this.messageBytes += this.length;
      if (this.messageBytes > this.maxMessageBytes) this.violation ??= CLOSE_TOO_BIG;
    }
    this.headerHave = 0;
    this.headerNeed = 2;
  }

  private get dataFrame(): boolean {
    return (this.first & 0x0f) < OPCODE_CLOSE;
  }

  private frameDone(): void {
    if (this.dataFrame && (this.first & 0x80) !== 0) this.messageBytes = 0;
  }
}

/**
 * A close frame with `code` and a short `reason`. Frames the gateway sends towards an upstream
 * travel client-to-server and must be masked (RFC 6455 5.3); towards a client they must not be.
 */
export function closeFrame(code: number, reason: string, masked: boolean): Buffer {
  const text = Buffer.from(reason.slice(0, 120), 'utf8').subarray(0, 123);
  const payload = Buffer.alloc(2 + text.length);
  payload.writeUInt16BE(code, 0);
  text.copy(payload, 2);
  const head = Buffer.from([0x80 | OPCODE_CLOSE, (masked ? 0x80 : 0) | payload.length]);
  if (!masked) return Buffer.concat([head, payload]);
  const mask = randomBytes(4);
  for (let index = 0; index < payload.length; index++) payload[index]! ^= mask[index % 4]!;
  return Buffer.concat([head, mask, payload]);
}
