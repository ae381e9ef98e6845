/** A rectangle on screen in CSS px, as getBoundingClientRect gives it. */
export interface ScreenRect {
  left: number;
  top: number;
  width: number;
  height: number;
}

/**
 * A pointer position in normalized device coordinates (x right, y up, -1..1 across the canvas),
 * what THREE.Raycaster.setFromCamera expects. Null for an empty rectangle.
 */
export function pointerToNdc(clientX: number, clientY: number, rect: ScreenRect): { x: number; y: number } | null {
  if (!(rect.width > 0 && rect.height > 0)) return null;
  return {
    x: ((clientX - rect.left) / rect.width) * 2 - 1,
    y: 1 - ((clientY - rect.top) / rect.height) * 2,
  };
}
