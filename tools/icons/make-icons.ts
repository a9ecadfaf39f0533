/** `npm run icons`: writes manifest/color.png and manifest/outline.png from the drawings in icons.ts. */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { encodePng } from './encode-png.ts';
import { drawColorIcon, drawOutlineIcon } from './icons.ts';

const dir = new URL('../../manifest/', import.meta.url);
writeFileSync(fileURLToPath(new URL('color.png', dir)), encodePng(drawColorIcon()));
writeFileSync(fileURLToPath(new URL('outline.png', dir)), encodePng(drawOutlineIcon()));
console.log('wrote manifest/color.png (192x192) and manifest/outline.png (32x32)');
