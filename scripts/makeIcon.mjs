// Draws the extension's icon (media/icon.png, 256×256 RGBA) from geometry, with no image library
// and no download: a white label tag on a rounded teal square, three "text lines" on the tag.
//
//   node scripts/makeIcon.mjs            writes media/icon.png
//   node scripts/makeIcon.mjs OUT.png    writes OUT.png
//
// The PNG is committed; run this again only to change the drawing.
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const SIZE = 256;
/** Samples per pixel side: 4×4 supersampling gives smooth edges. */
const SS = 4;

const BG = [31, 111, 139];
const TAG = [255, 255, 255];
const INK = [31, 111, 139];
const DOT = [244, 180, 0];

/** Inside a rounded square of half-width h and corner radius r, centred at 0. */
function inRoundedSquare(x, y, h, r) {
  const qx = Math.abs(x) - (h - r);
  const qy = Math.abs(y) - (h - r);
  const ox = Math.max(qx, 0);
  const oy = Math.max(qy, 0);
  return Math.hypot(ox, oy) + Math.min(Math.max(qx, qy), 0) <= r;
}

/** Inside a convex polygon given counter-clockwise (all edges turn left). */
function inConvex(x, y, pts) {
  for (let i = 0; i < pts.length; i++) {
    const [ax, ay] = pts[i];
    const [bx, by] = pts[(i + 1) % pts.length];
    if ((bx - ax) * (y - ay) - (by - ay) * (x - ax) < 0) return false;
  }
  return true;
}

// The tag in its own frame (pointing right, unit = icon half-width), then turned 45° up.
const TAG_POLY = [
  [-0.62, -0.34],
  [0.28, -0.34],
  [0.62, 0],
  [0.28, 0.34],
  [-0.62, 0.34],
];
const HOLE = { x: 0.3, y: 0, r: 0.085 };
const LINES = [
  { y: -0.17, x0: -0.5, x1: 0.08 },
  { y: 0, x0: -0.5, x1: 0.02 },
  { y: 0.17, x0: -0.5, x1: -0.12 },
];
const LINE_HALF = 0.045;
const ANGLE = -Math.PI / 4;

/** Colour at a point of the icon, in [-1, 1]² with y down; undefined is transparent. */
function colourAt(x, y) {
  if (!inRoundedSquare(x, y, 0.96, 0.22)) return undefined;
  // Into the tag's frame (rotate by -ANGLE).
  const c = Math.cos(-ANGLE);
  const s = Math.sin(-ANGLE);
  const tx = (x * c - y * s) / 0.95;
  const ty = (x * s + y * c) / 0.95;
  if (inConvex(tx, ty, TAG_POLY)) {
    if (Math.hypot(tx - HOLE.x, ty - HOLE.y) <= HOLE.r) return DOT;
    for (const l of LINES) {
      if (Math.abs(ty - l.y) <= LINE_HALF && tx >= l.x0 && tx <= l.x1) return INK;
    }
    return TAG;
  }
  return BG;
}

/** RGBA pixels, rows top to bottom. */
export function drawIcon(size = SIZE) {
  const px = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let pxI = 0; pxI < size; pxI++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let sy = 0; sy < SS; sy++) {
        for (let sx = 0; sx < SS; sx++) {
          const x = ((pxI + (sx + 0.5) / SS) / size) * 2 - 1;
          const y = ((py + (sy + 0.5) / SS) / size) * 2 - 1;
          const col = colourAt(x, y);
          if (!col) continue;
          r += col[0];
          g += col[1];
          b += col[2];
          a += 1;
        }
      }
      const o = (py * size + pxI) * 4;
      // Colour averaged over the covered samples (no dark fringe), alpha = coverage.
      px[o] = a ? Math.round(r / a) : 0;
      px[o + 1] = a ? Math.round(g / a) : 0;
      px[o + 2] = a ? Math.round(b / a) : 0;
      px[o + 3] = Math.round((a / (SS * SS)) * 255);
    }
  }
  return px;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A PNG file (8-bit RGBA, no interlace) of square RGBA pixels. */
export function encodePng(rgba, size) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type: RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  }
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const out = process.argv[2] ? resolve(process.argv[2]) : join(repoRoot, 'media', 'icon.png');
  writeFileSync(out, encodePng(drawIcon(SIZE), SIZE));
  process.stderr.write(`wrote ${out} (${SIZE}×${SIZE})\n`);
}
