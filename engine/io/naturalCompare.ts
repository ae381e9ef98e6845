const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/**
 * Compares file names the way people count: 'slice2.png' before 'slice10.png', case-insensitive.
 * Names that differ only in case or leading zeros ('a01', 'a1') are ordered by plain code units so
 * that the order is always total and stable.
 */
export function naturalCompare(a: string, b: string): number {
  const byNumber = collator.compare(a, b);
  if (byNumber !== 0) return byNumber;
  return a < b ? -1 : a > b ? 1 : 0;
}
