import { closeFrame, FrameScanner } from '../../../app/src/longlived/frame-scanner';

/** An unmasked frame: FIN flag, opcode, payload of `length` bytes. */
function frame(opcode: number, length: number, fin = true): Buffer {
  const header = length < 126 ? Buffer.from([0, length]) : length < 65536 ? Buffer.from([0, 126, length >> 8, length & 0xff]) : Buffer.concat([Buffer.from([0, 127]), bigLength(length)]);
  header[0] = (fin ? 0x80 : 0) | opcode;
  return Buffer.concat([header, Buffer.alloc(length, 7)]);
}

function bigLength(length: number): Buffer {
  const out = Buffer.alloc(8);
  out.writeUInt32BE(Math.floor(length / 0x1_0000_0000), 0);
  out.writeUInt32BE(length % 0x1_0000_0000, 4);
  return out;
}

describe('FrameScanner', () => {
  test('tracks frame boundaries across arbitrary chunk splits', () => {
    const stream = Buffer.concat([frame(1, 5), frame(2, 300), frame(9, 0), frame(2, 70_000)]);
    for (const size of [1, 3, 7, 1000]) {
      const scanner = new FrameScanner(1_000_000);
      const boundaries: number[] = [];
      for (let start = 0; start < stream.length; start += size) {
        const chunk = stream.subarray(start, start + size);
        let offset = 0;
        while (offset < chunk.length) {
          offset = scanner.consume(chunk, offset);
          if (scanner.atBoundary) boundaries.push(start + offset);
        }
      }
      expect(boundaries).toEqual([7, 7 + 304, 7 + 304 + 2, stream.length]);
    }
  });

  test('counts a fragmented message as a whole, ignoring control frames between fragments', () => {
    const scanner = new FrameScanner(1000);
    expect(scanner.scan(Buffer.concat([frame(2, 600, false), frame(9, 10), frame(0, 300, true)]))).toBe(true);
    expect(scanner.scan(frame(2, 900))).toBe(true);
    expect(scanner.scan(Buffer.concat([frame(2, 600, false), frame(0, 401, true)]))).toBe(false);
  });

  test('refuses with 1002, from the header alone, a control frame over 125 bytes or fragmented, and any reserved opcode', () => {
    for (const [name, bad] of [
      ['a 2 MiB ping', frame(9, 2 * 1024 * 1024).subarray(0, 10)],
      ['a 126-byte close', frame(8, 126).subarray(0, 4)],
      ['a fragmented pong', frame(0xa, 2, false)],
      ['reserved control opcode 0xB', frame(0xb, 2)],
      ['reserved data opcode 0x3', frame(3, 2)],
    ] as const) {
      const scanner = new FrameScanner(1_000_000);
      expect([name, scanner.scan(bad), scanner.violation]).toEqual([name, false, 1002]);
    }
  });

  test('takes a 125-byte ping and a large message under the limit, and says 1009 past it', () => {
    const scanner = new FrameScanner(1000);
    expect(scanner.scan(Buffer.concat([frame(9, 125), frame(0xa, 0), frame(2, 1000)]))).toBe(true);
    expect([scanner.scan(frame(2, 1001)), scanner.violation]).toEqual([false, 1009]);
  });

  test('reads a masked frame (client to server) as one frame', () => {
    const scanner = new FrameScanner(10);
    const masked = closeFrame(1001, 'bye', true);
    expect(scanner.consume(masked, 0)).toBe(masked.length);
    expect(scanner.atBoundary).toBe(true);
  });
});

describe('closeFrame', () => {
  test('builds an unmasked close frame with code and reason', () => {
    expect(closeFrame(1001, 'going away', false)).toEqual(Buffer.concat([Buffer.from([0x88, 12, 0x03, 0xe9]), Buffer.from('going away')]));
  });

  test('masks frames meant for an upstream', () => {
    const masked = closeFrame(1001, 'x', true);
    expect(masked[1]).toBe(0x80 | 3);
    const mask = masked.subarray(2, 6);
    const payload = Buffer.from(masked.subarray(6).map((byte, index) => byte ^ mask[index % 4]!));
    expect(payload).toEqual(Buffer.from([0x03, 0xe9, 0x78]));
  });
});
