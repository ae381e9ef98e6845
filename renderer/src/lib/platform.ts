/** True on macOS, where the help writes Cmd for the shortcut modifier. */
export const isMac: boolean = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.userAgent);

/** The modifier as the user knows it: "Cmd" on macOS, else "Ctrl". */
export const modifierName: string = isMac ? 'Cmd' : 'Ctrl';
