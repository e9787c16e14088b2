// Draws the app's icons (a white "J" on a blue rounded square) into build/icons/: icon.png (1024 px, for
// macOS and Windows, converted by electron-builder), png/NxN.png (the Linux set), and the tray icons
// (tray.png + @2x, and the macOS menu-bar template images, black on transparent). Run it after changing
// the drawing: `node build/icons/generate-icons.mjs`. Pure Node: a minimal PNG encoder, 4×4 supersampling.
import { Buffer } from 'node:buffer';
import { mkdirSync, writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const here = new URL('.', import.meta.url).pathname;

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}
function encodePng(size, rgba) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, no interlace
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', header), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

/** Shapes in unit coordinates (0..1, y down). */
function inRoundedSquare(x, y, inset, radius) {
  const lo = inset + radius;
  const hi = 1 - inset - radius;
  const dx = Math.max(lo - x, 0, x - hi);
  const dy = Math.max(lo - y, 0, y - hi);
  return x >= inset && x <= 1 - inset && y >= inset && y <= 1 - inset && dx * dx + dy * dy <= radius * radius;
}
function inJ(x, y) {
  const bar = x >= 0.36 && x <= 0.74 && y >= 0.2 && y <= 0.3;
  const stem = x >= 0.56 && x <= 0.68 && y >= 0.2 && y <= 0.6;
  const r = Math.hypot(x - 0.45, y - 0.6);
  const hook = y >= 0.6 && r >= 0.11 && r <= 0.23;
  return bar || stem || hook;
}

/** `paint(x, y)` → [r, g, b, a] or null, averaged over 4×4 samples per pixel. */
function render(size, paint) {
  const out = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      const sum = [0, 0, 0, 0];
      for (let s = 0; s < 16; s++) {
        const color = paint((px + ((s % 4) + 0.5) / 4) / size, (py + (Math.floor(s / 4) + 0.5) / 4) / size);
        if (!color) continue;
        for (let i = 0; i < 3; i++) sum[i] += color[i] * color[3];
        sum[3] += color[3];
      }
      const o = (py * size + px) * 4;
      if (sum[3] > 0) for (let i = 0; i < 3; i++) out[o + i] = Math.round(sum[i] / sum[3]);
      out[o + 3] = Math.round((sum[3] / 16) * 255) >>> 0;
    }
  }
  return out;
}

const appIcon = (x, y) => {
  if (!inRoundedSquare(x, y, 0.06, 0.2)) return null;
  if (inJ(x, y)) return [255, 255, 255, 1];
  const t = y; // top-to-bottom gradient, indigo to sky blue
  return [Math.round(37 + (14 - 37) * t), Math.round(99 + (165 - 99) * t), Math.round(235 + (233 - 235) * t), 1];
};
const templateIcon = (x, y) => (inJ((x - 0.5) * 0.8 + 0.5, (y - 0.5) * 0.8 + 0.5) ? [0, 0, 0, 1] : null);

function write(name, size, paint) {
  writeFileSync(`${here}${name}`, encodePng(size, render(size, paint)));
}

mkdirSync(`${here}png`, { recursive: true });
write('icon.png', 1024, appIcon);
for (const size of [16, 32, 48, 64, 128, 256, 512]) write(`png/${size}x${size}.png`, size, appIcon);
write('tray.png', 16, appIcon);
write('tray@2x.png', 32, appIcon);
write('trayTemplate.png', 16, templateIcon);
write('trayTemplate@2x.png', 32, templateIcon);
