// Draws images/icon.png (128x128), the extension's Marketplace icon, with Node alone:
// a 3x3 reachability matrix, allowed cells green and denied cells red, on a dark tile.
// Run again (`node scripts/make-icon.mjs`) only to change the icon; the PNG is committed.
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const SIZE = 128;
const BACKGROUND = [0x1e, 0x27, 0x3a];
const ALLOWED = [0x3f, 0xb9, 0x50];
const DENIED = [0xe0, 0x4f, 0x4f];
// Row-major: which cell of the matrix is allowed.
const CELLS = [true, false, true, false, true, true, true, false, true];

function colourAt(x, y) {
  const margin = 16;
  const cell = 32;
  const gap = 4;
  const cx = Math.floor((x - margin) / cell);
  const cy = Math.floor((y - margin) / cell);
  const inside = x >= margin && y >= margin && cx < 3 && cy < 3;
  const inGap = (x - margin) % cell >= cell - gap || (y - margin) % cell >= cell - gap;
  if (!inside || inGap) return BACKGROUND;
  return CELLS[cy * 3 + cx] ? ALLOWED : DENIED;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

const header = Buffer.alloc(13);
header.writeUInt32BE(SIZE, 0);
header.writeUInt32BE(SIZE, 4);
header[8] = 8; // bit depth
header[9] = 2; // truecolour RGB
const rows = [];
for (let y = 0; y < SIZE; y++) {
  const row = Buffer.alloc(1 + SIZE * 3); // filter byte 0: none
  for (let x = 0; x < SIZE; x++) Buffer.from(colourAt(x, y)).copy(row, 1 + x * 3);
  rows.push(row);
}
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', header),
  chunk('IDAT', deflateSync(Buffer.concat(rows))),
  chunk('IEND', Buffer.alloc(0)),
]);
writeFileSync('images/icon.png', png);
