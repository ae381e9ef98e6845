import { app, Menu, type MenuItemConstructorOptions } from 'electron';
import type { MenuCommand, OpenDialogKind } from '../protocol/contract.js';

export interface MenuActions {
  /** Shows the native Open dialog for a file (TIFF, PNG) or a folder (PNG slices, OME-Zarr). */
  open(kind: OpenDialogKind): void | Promise<void>;
  /** Sends a command to the focused window's renderer. */
  command(command: MenuCommand): void;
}

/**
 * The application menu: File › Open (Ctrl/Cmd+O), New project, Open project (with its recent
 * list), Save; Edit › Undo/Redo go to the renderer's project (the stock undo role would undo
 * text fields only); the standard View/Window roles.
 */
export function buildMenu(actions: MenuActions): void {
  const isMac = process.platform === 'darwin';
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        { label: 'Open…', accelerator: 'CmdOrCtrl+O', click: () => void actions.open('file') },
        { label: 'Open folder (PNG slices, OME-Zarr)…', accelerator: 'Shift+CmdOrCtrl+O', click: () => void actions.open('folder') },
        { label: 'Open labels over this volume (a segmentation)…', click: () => actions.command('openLabels') },
        { type: 'separator' },
        { label: 'New project from this stack…', click: () => actions.command('newProject') },
        { label: 'Open project / recent…', click: () => actions.command('openProject') },
        { label: 'Save', accelerator: 'CmdOrCtrl+S', click: () => actions.command('save') },
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    {
      label: 'Edit',
      submenu: [
        { label: 'Undo', accelerator: 'CmdOrCtrl+Z', click: () => actions.command('undo') },
        { label: 'Redo', accelerator: isMac ? 'Shift+CmdOrCtrl+Z' : 'CmdOrCtrl+Y', click: () => actions.command('redo') },
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'selectAll' },
      ],
    },
    {
      label: 'View',
      submenu: [{ role: 'togglefullscreen' }, ...(app.isPackaged ? [] : [{ role: 'toggleDevTools' as const }])],
    },
    { role: 'windowMenu' },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
