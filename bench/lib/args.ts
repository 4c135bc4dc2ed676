// The benches' command-line numbers: `--name value`, else the fallback, refused outside [min, max]
// with the flag named.

function raw(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

/** Any finite number from min to max. */
export function numberArg(name: string, fallback: number, min: number, max: number): number {
  const v = raw(name, fallback);
  if (!Number.isFinite(v) || v < min || v > max) throw new Error(`--${name} must be a number from ${min} to ${max}`);
  return v;
}

/** A whole number from min to max. */
export function integerArg(name: string, fallback: number, min: number, max: number): number {
  const v = raw(name, fallback);
  if (!Number.isInteger(v) || v < min || v > max) throw new Error(`--${name} must be an integer from ${min} to ${max}`);
  return v;
}
