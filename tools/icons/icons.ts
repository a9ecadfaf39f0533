/**
 * Concord's app icons, drawn in code: two overlapping rings (two agencies finding common ground).
 * `color`: 192×192 on the accent colour. `outline`: 32×32, white on transparent, as Teams requires.
 * Regenerate the committed files with `npm run icons`.
 */
import { COLOR_ICON_SIZE, OUTLINE_ICON_SIZE } from '../../src/manifest/build.ts';
import type { RgbaImage } from '../../src/manifest/png.ts';

export const ACCENT_COLOR = '#1F6F78';

function hex(color: string): [number, number, number] {
  const n = Number.parseInt(color.slice(1), 16);
  return [(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
}

/** Coverage (0..1) of a ring at a point, 4×4 supersampled for smooth edges. */
function ringCoverage(x: number, y: number, cx: number, cy: number, r: number, width: number): number {
  let hits = 0;
  for (let sy = 0; sy < 4; sy++) {
    for (let sx = 0; sx < 4; sx++) {
      const d = Math.hypot(x + (sx + 0.5) / 4 - cx, y + (sy + 0.5) / 4 - cy);
      if (Math.abs(d - r) <= width / 2) hits++;
    }
  }
  return hits / 16;
}

function rings(size: number): (x: number, y: number) => number {
  const r = size * 0.22;
  const width = Math.max(2, size * 0.07);
  const cy = size / 2;
  const left = size / 2 - r * 0.55;
  const right = size / 2 + r * 0.55;
  return (x, y) =>
    Math.min(1, ringCoverage(x, y, left, cy, r, width) + ringCoverage(x, y, right, cy, r, width));
}

/** 192×192: white rings on an accent-coloured rounded square. */
export function drawColorIcon(size = COLOR_ICON_SIZE): RgbaImage {
  const [br, bg, bb] = hex(ACCENT_COLOR);
  const pixels = new Uint8Array(size * size * 4);
  const cover = rings(size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const c = cover(x, y);
      const i = (y * size + x) * 4;
      pixels[i] = Math.round(br + (255 - br) * c);
      pixels[i + 1] = Math.round(bg + (255 - bg) * c);
      pixels[i + 2] = Math.round(bb + (255 - bb) * c);
      pixels[i + 3] = 255;
    }
  }
  return { width: size, height: size, pixels };
}

/** 32×32: white rings on transparent. Every pixel is white; only alpha varies. */
export function drawOutlineIcon(size = OUTLINE_ICON_SIZE): RgbaImage {
  const pixels = new Uint8Array(size * size * 4);
  const cover = rings(size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = (y * size + x) * 4;
      pixels[i] = 255;
      pixels[i + 1] = 255;
      pixels[i + 2] = 255;
      pixels[i + 3] = Math.round(255 * cover(x, y));
    }
  }
  return { width: size, height: size, pixels };
}
