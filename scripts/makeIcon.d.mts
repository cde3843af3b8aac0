// Types for scripts/makeIcon.mjs (imported by the manifest test).
export function drawIcon(size?: number): Buffer;
export function encodePng(rgba: Buffer, size: number): Buffer;
