/**
 * Just enough PNG for the packager: read the header and decode 8-bit RGBA/RGB to pixels, so it can
 * check the icons' sizes and the outline icon's colours. Node's zlib only; no image library. The
 * icons are drawn and encoded by tools/icons/.
 */
import { inflateSync } from 'node:zlib';

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** An RGBA image: `pixels` holds width × height × 4 bytes, row by row. */
export interface RgbaImage {
  readonly width: number;
  readonly height: number;
  readonly pixels: Uint8Array;
}

export interface PngInfo {
  readonly width: number;
  readonly height: number;
  readonly bitDepth: number;
  /** 2 RGB, 6 RGBA (others are not decoded). */
  readonly colorType: number;
}

/** Reads the header; throws when the bytes are not a PNG. */
export function readPngInfo(png: Buffer): PngInfo {
  if (
    png.length < 33 ||
    !png.subarray(0, 8).equals(PNG_SIGNATURE) ||
    png.toString('ascii', 12, 16) !== 'IHDR'
  ) {
    throw new Error('not a PNG file');
  }
  return {
    width: png.readUInt32BE(16),
    height: png.readUInt32BE(20),
    bitDepth: png[24] as number,
    colorType: png[25] as number,
  };
}

/** Decodes an 8-bit, non-interlaced RGB or RGBA PNG to RGBA pixels. */
export function decodePng(png: Buffer): RgbaImage {
  const info = readPngInfo(png);
  const channels = info.colorType === 6 ? 4 : info.colorType === 2 ? 3 : 0;
  if (info.bitDepth !== 8 || channels === 0 || png[28] !== 0) {
    throw new Error(
      `decodePng: only 8-bit non-interlaced RGB/RGBA is supported (colour type ${info.colorType}, depth ${info.bitDepth})`,
    );
  }
  const idat: Buffer[] = [];
  for (let at = 8; at < png.length; ) {
    const len = png.readUInt32BE(at);
    const type = png.toString('ascii', at + 4, at + 8);
    if (type === 'IDAT') idat.push(png.subarray(at + 8, at + 8 + len));
    at += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = info.width * channels;
  const out = new Uint8Array(info.width * info.height * 4);
  let prev = new Uint8Array(stride);
  for (let y = 0; y < info.height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = new Uint8Array(raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)));
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? (line[x - channels] as number) : 0;
      const b = prev[x] as number;
      const c = x >= channels ? (prev[x - channels] as number) : 0;
      const p = a + b - c;
      const pa = Math.abs(p - a);
      const pb = Math.abs(p - b);
      const pc = Math.abs(p - c);
      const predictor = [0, a, b, (a + b) >> 1, pa <= pb && pa <= pc ? a : pb <= pc ? b : c][
        filter as number
      ];
      if (predictor === undefined) throw new Error(`decodePng: unknown filter ${filter}`);
      line[x] = ((line[x] as number) + predictor) & 0xff;
    }
    for (let x = 0; x < info.width; x++) {
      for (let ch = 0; ch < 4; ch++)
        out[(y * info.width + x) * 4 + ch] = ch < channels ? (line[x * channels + ch] as number) : 255;
    }
    prev = line;
  }
  return { width: info.width, height: info.height, pixels: out };
}
