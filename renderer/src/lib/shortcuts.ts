/**
 * Every keyboard shortcut, once: the key handler matches events against this table and the
 * help overlay lists it, so the two cannot drift apart.
 */

/** A key with its modifiers. `mod` is Ctrl, or Cmd on macOS. */
export interface KeyCombo {
  key: string;
  mod?: boolean;
  alt?: boolean;
  shift?: boolean;
}

export type ShortcutGroup = 'File' | 'Edit' | 'Tools' | 'Neurons' | 'Overlay' | 'Model' | 'Slices' | 'View' | 'Contrast' | 'Help';

export interface Shortcut {
  action: string;
  group: ShortcutGroup;
  description: string;
  keys: KeyCombo[];
}

export const SHORTCUTS = [
  { action: 'open', group: 'File', description: 'Open a file or folder', keys: [{ key: 'o', mod: true }] },
  { action: 'save', group: 'File', description: 'Save (every edit is already saved as it is made)', keys: [{ key: 's', mod: true }] },
  { action: 'undo', group: 'Edit', description: 'Undo (segment edits while a segment tool is in hand, else label edits)', keys: [{ key: 'z', mod: true }] },
  { action: 'redo', group: 'Edit', description: 'Redo (likewise)', keys: [{ key: 'z', mod: true, shift: true }, { key: 'y', mod: true }] },
  { action: 'toolNavigate', group: 'Tools', description: 'Pan tool (also: Space+drag, middle drag)', keys: [{ key: 'h' }] },
  { action: 'toolBrushMembrane', group: 'Tools', description: 'Brush: paint membrane', keys: [{ key: 'b' }] },
  { action: 'toolBrushCell', group: 'Tools', description: 'Brush: paint cell (erase membrane)', keys: [{ key: 'e' }] },
  { action: 'toolFill', group: 'Tools', description: 'Fill a cell up to the membranes', keys: [{ key: 'g' }] },
  { action: 'toolLasso', group: 'Tools', description: 'Lasso: fill a drawn outline with the label', keys: [{ key: 'l' }] },
  { action: 'swapLabel', group: 'Tools', description: 'Swap the label: membrane ⇄ cell', keys: [{ key: 'x' }] },
  { action: 'brushSmaller', group: 'Tools', description: 'Smaller brush (also Shift+wheel)', keys: [{ key: '[' }] },
  { action: 'brushBigger', group: 'Tools', description: 'Bigger brush (also Shift+wheel)', keys: [{ key: ']' }] },
  { action: 'toolSelect', group: 'Neurons', description: 'Select segments (Shift+click adds)', keys: [{ key: 's' }] },
  { action: 'toolMerge', group: 'Neurons', description: 'Merge: click the segment to keep, then the one to join it', keys: [{ key: 'm' }] },
  { action: 'toolCut', group: 'Neurons', description: 'Cut: draw a line across a segment to split it in this slice', keys: [{ key: 'k' }] },
  { action: 'toolSeeds', group: 'Neurons', description: 'Seeds: click points in one segment, then Enter splits it in 3D', keys: [{ key: 'j' }] },
  { action: 'splitAtSeeds', group: 'Neurons', description: 'Split the seeded segment', keys: [{ key: 'Enter' }] },
  { action: 'deleteSegments', group: 'Neurons', description: 'Delete the selected segments', keys: [{ key: 'Delete' }, { key: 'Backspace' }] },
  { action: 'toggleSegments', group: 'Neurons', description: 'Show or hide the segments', keys: [{ key: 'i' }] },
  { action: 'toggleSegmentOutline', group: 'Neurons', description: 'Segments filled ⇄ outlined', keys: [{ key: 'u' }] },
  { action: 'toggle3d', group: 'Neurons', description: 'Show or hide the 3D view', keys: [{ key: '3' }] },
  { action: 'toggleOverlay', group: 'Overlay', description: 'Show or hide the predicted membranes', keys: [{ key: 'o' }] },
  { action: 'toggleThreshold', group: 'Overlay', description: 'Probability ⇄ threshold view', keys: [{ key: 't' }] },
  { action: 'toggleCorrections', group: 'Overlay', description: 'Show or hide the corrections', keys: [{ key: 'c' }] },
  { action: 'toggleLabels', group: 'Overlay', description: 'Show or hide the label image opened over the volume (a segmentation)', keys: [{ key: 'i', shift: true }] },
  { action: 'predictSlice', group: 'Model', description: 'Predict this slice', keys: [{ key: 'p' }] },
  { action: 'predictAll', group: 'Model', description: 'Predict the whole stack', keys: [{ key: 'p', shift: true }] },
  { action: 'toggleValidation', group: 'Model', description: 'Hold this slice out for validation (or not)', keys: [{ key: 'v' }] },
  { action: 'nextReview', group: 'Model', description: 'Next place to check (least certain first)', keys: [{ key: 'n' }] },
  { action: 'previousReview', group: 'Model', description: 'Previous place to check', keys: [{ key: 'n', shift: true }] },
  { action: 'nextSlice', group: 'Slices', description: 'Next slice', keys: [{ key: 'ArrowRight' }, { key: 'ArrowUp' }, { key: '.' }] },
  {
    action: 'previousSlice',
    group: 'Slices',
    description: 'Previous slice',
    keys: [{ key: 'ArrowLeft' }, { key: 'ArrowDown' }, { key: ',' }],
  },
  { action: 'forwardTen', group: 'Slices', description: '10 slices forward', keys: [{ key: 'PageUp' }] },
  { action: 'backTen', group: 'Slices', description: '10 slices back', keys: [{ key: 'PageDown' }] },
  { action: 'firstSlice', group: 'Slices', description: 'First slice', keys: [{ key: 'Home' }] },
  { action: 'lastSlice', group: 'Slices', description: 'Last slice', keys: [{ key: 'End' }] },
  { action: 'zoomIn', group: 'View', description: 'Zoom in', keys: [{ key: '+' }, { key: '=' }] },
  { action: 'zoomOut', group: 'View', description: 'Zoom out', keys: [{ key: '-' }, { key: '_' }] },
  { action: 'fit', group: 'View', description: 'Fit to window; with the 3D view focused (click it): frame the shown neurons', keys: [{ key: '0' }, { key: 'f' }] },
  { action: 'actualSize', group: 'View', description: 'Zoom to 100% (1:1)', keys: [{ key: '1' }] },
  { action: 'resetWindow', group: 'Contrast', description: 'Reset brightness and contrast', keys: [{ key: 'r' }] },
  { action: 'toggleHelp', group: 'Help', description: 'Show or hide this help', keys: [{ key: '?' }] },
  { action: 'close', group: 'Help', description: 'Close help, dialog or message', keys: [{ key: 'Escape' }] },
] as const satisfies readonly Shortcut[];

export type ShortcutAction = (typeof SHORTCUTS)[number]['action'];

/** Mouse gestures, listed in the help beside the keys (handled by the slice viewer and the 3D view). */
export const MOUSE_GESTURES: readonly { group: ShortcutGroup; gesture: string; description: string }[] = [
  { group: 'View', gesture: 'Drag (pan tool), middle drag, Space+drag', description: 'Pan' },
  { group: 'Tools', gesture: 'Drag (brush, lasso) or click (fill)', description: 'Correct the labels' },
  { group: 'Tools', gesture: 'Shift+Wheel', description: 'Brush size' },
  { group: 'View', gesture: 'Wheel', description: 'Zoom about the cursor' },
  { group: 'Slices', gesture: 'Ctrl+Wheel or Alt+Wheel', description: 'Previous / next slice' },
  { group: 'File', gesture: 'Drop files or a folder', description: 'Open them' },
  { group: 'Neurons', gesture: '3D view: drag, right-drag, wheel', description: 'Turn, pan, zoom (Reset view or F frames the neurons again)' },
];

export const SHORTCUT_GROUPS: readonly ShortcutGroup[] = ['File', 'Edit', 'Tools', 'Neurons', 'Overlay', 'Model', 'Slices', 'View', 'Contrast', 'Help'];

/** Single printable characters compare case-insensitively; named keys ('Home') as they are. */
function normalizeKey(key: string): string {
  return key.length === 1 ? key.toLowerCase() : key;
}

/** Symbols such as + and ? need Shift on some layouts and not on others, so Shift is ignored for them. */
function isSymbol(key: string): boolean {
  return key.length === 1 && key.toLowerCase() === key.toUpperCase();
}

/** A canonical string for a combo, e.g. "mod+o"; equal strings are the same shortcut. */
export function comboId(combo: KeyCombo): string {
  const key = normalizeKey(combo.key);
  return [combo.mod && 'mod', combo.alt && 'alt', combo.shift && !isSymbol(key) && 'shift', key].filter(Boolean).join('+');
}

type KeyEventLike = Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey'>;

export function matchesCombo(event: KeyEventLike, combo: KeyCombo): boolean {
  const key = normalizeKey(event.key);
  if (key !== normalizeKey(combo.key)) return false;
  if ((event.ctrlKey || event.metaKey) !== !!combo.mod) return false;
  if (event.altKey !== !!combo.alt) return false;
  return isSymbol(key) || event.shiftKey === !!combo.shift;
}

/** Keys a focused slider or other control uses itself. */
const CONTROL_KEYS = new Set(['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'PageUp', 'PageDown', 'Home', 'End', ' ', 'Enter']);
const NON_TEXT_INPUTS = new Set(['range', 'checkbox', 'radio', 'button', 'submit', 'reset', 'file', 'color']);

/** True when the key belongs to the focused element (typing in a field, moving a slider). */
export function isForFocusedControl(event: Pick<KeyboardEvent, 'key' | 'target'>): boolean {
  const target = event.target as HTMLElement | null;
  if (!target || typeof target.tagName !== 'string') return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') {
    const type = (target as HTMLInputElement).type;
    return !NON_TEXT_INPUTS.has(type) || CONTROL_KEYS.has(event.key);
  }
  if (tag === 'BUTTON' || tag === 'A') return event.key === ' ' || event.key === 'Enter';
  return false;
}

/** The action for a key event, or null when the key is not a shortcut here. */
export function shortcutFor(event: KeyEventLike & Pick<KeyboardEvent, 'target'>): ShortcutAction | null {
  if (isForFocusedControl(event)) return null;
  for (const shortcut of SHORTCUTS) {
    if (shortcut.keys.some((combo) => matchesCombo(event, combo))) return shortcut.action;
  }
  return null;
}

const KEY_LABELS: Record<string, string> = {
  ArrowRight: '→',
  ArrowLeft: '←',
  ArrowUp: '↑',
  ArrowDown: '↓',
  PageUp: 'Page Up',
  PageDown: 'Page Down',
  Escape: 'Esc',
  ' ': 'Space',
};

/** How a combo is written in the help, e.g. "Ctrl+O". */
export function comboLabel(combo: KeyCombo, mac = false): string {
  const key = KEY_LABELS[combo.key] ?? (combo.key.length === 1 ? combo.key.toUpperCase() : combo.key);
  const parts = [combo.mod && (mac ? 'Cmd' : 'Ctrl'), combo.alt && (mac ? 'Option' : 'Alt'), combo.shift && 'Shift', key];
  return parts.filter(Boolean).join('+');
}
