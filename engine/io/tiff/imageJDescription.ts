/**
 * ImageJ's ImageDescription: "ImageJ=1.54f\nimages=30\nslices=30\nunit=micron\nspacing=0.05\n...".
 * Returns its key=value pairs, or undefined when the description is not ImageJ's.
 */
export function parseImageJDescription(description: string | undefined): Map<string, string> | undefined {
  if (!description?.startsWith('ImageJ=')) return undefined;
  const values = new Map<string, string>();
  for (const line of description.split(/\r?\n/)) {
    const at = line.indexOf('=');
    const key = line.slice(0, at).trim();
    // The first value wins: free text appended after ImageJ's own lines cannot override them.
    if (at > 0 && !values.has(key)) values.set(key, line.slice(at + 1).trim());
  }
  return values;
}

/** Writes an ImageJ description for a z-stack; non-ASCII characters are escaped as ImageJ does (\u00B5m). */
export function formatImageJDescription(options: { slices: number; unit?: string; spacing?: number; extra?: string }): string {
  const lines = ['ImageJ=1.11a', `images=${options.slices}`];
  if (options.slices > 1) lines.push(`slices=${options.slices}`);
  if (options.unit !== undefined) lines.push(`unit=${escapeNonAscii(options.unit)}`);
  if (options.spacing !== undefined) lines.push(`spacing=${String(options.spacing)}`);
  lines.push('loop=false');
  let text = `${lines.join('\n')}\n`;
  if (options.extra) text += escapeNonAscii(options.extra.replace(/\0/g, ''));
  return text;
}

function escapeNonAscii(text: string): string {
  return text.replace(/[^\x20-\x7e\n\r\t]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
