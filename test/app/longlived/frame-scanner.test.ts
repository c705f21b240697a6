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
