/** The error every prediction path throws when its AbortSignal fires. */
export function cancelledError(): Error {
  return Object.assign(new Error('Prediction was cancelled.'), { code: 'CANCELLED', name: 'AbortError' });
}
