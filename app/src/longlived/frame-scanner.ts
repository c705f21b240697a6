import { randomBytes } from 'node:crypto';

const OPCODE_CLOSE = 0x8;
/** Largest header: 2 bytes, 8 bytes of extended length, 4 bytes of mask key (RFC 6455 5.2). */
const MAX_HEADER_BYTES = 14;

/**
 * Follows RFC 6455 framing in one direction of a relayed WebSocket without copying or buffering
 * payloads: it only reads frame headers, so the relay knows where frames end (to slip in a close
 * frame of its own) and how large a message has grown (to enforce a size limit).
 */
export class FrameScanner {
  private readonly header = Buffer.alloc(MAX_HEADER_BYTES);
  private headerHave = 0;
  private headerNeed = 2;
  private payloadLeft = 0;
  private messageBytes = 0;
  private finalFragment = false;
  private dataFrame = false;
  /** Set once a message grew past the limit; the relay then ends the connection. */
  tooBig = false;

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
      this.header[this.headerHave++] = chunk[offset++]!;
      if (this.headerHave === 2) {
        const length7 = this.header[1]! & 0x7f;
        this.headerNeed = 2 + (length7 === 126 ? 2 : length7 === 127 ? 8 : 0) + (this.header[1]! & 0x80 ? 4 : 0);
      }
      if (this.headerHave < this.headerNeed) continue;
      this.headerParsed();
      if (this.payloadLeft === 0) {
        this.frameDone();
        return offset;
      }
    }
    return offset;
  }

  /** Scans a whole chunk; false once the size limit was crossed. */
  scan(chunk: Buffer): boolean {
    let offset = 0;
    while (offset < chunk.length && !this.tooBig) offset = this.consume(chunk, offset);
    return !this.tooBig;
  }

  private headerParsed(): void {
    const opcode = this.header[0]! & 0x0f;
    const length7 = this.header[1]! & 0x7f;
    let length = length7;
    if (length7 === 126) length = this.header.readUInt16BE(2);
    else if (length7 === 127) length = this.header.readUInt32BE(2) * 0x1_0000_0000 + this.header.readUInt32BE(6);
    this.payloadLeft = length;
    this.finalFragment = (this.header[0]! & 0x80) !== 0;
    // Control frames (close, ping, pong) may sit between fragments and do not count.
    this.dataFrame = opcode < OPCODE_CLOSE;
    if (this.dataFrame) {
      this.messageBytes += length;
      if (this.messageBytes > this.maxMessageBytes) this.tooBig = true;
    }
    this.headerHave = 0;
    this.headerNeed = 2;
  }

  private frameDone(): void {
    if (this.dataFrame && this.finalFragment) this.messageBytes = 0;
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
