/**
 * Checks of OME-NGFF image metadata, written from the 0.4 and 0.5 specifications
 * (https://ngff.openmicroscopy.org/0.4/ and /0.5/): the `multiscales` list with its axes,
 * datasets and coordinate transformations, and the `image-label` block of label images.
 * NGFF 0.4 keeps them in `.zattrs` with a `version` in each multiscale; 0.5 keeps them under
 * `attributes.ome` in `zarr.json` with one `ome.version`.
 */

export type NgffVersion = '0.4' | '0.5';

export interface NgffAxis {
  name: string;
  type?: string;
  unit?: string;
}

export type NgffTransformation = { type: 'scale'; scale: number[] } | { type: 'translation'; translation: number[] } | { type: 'identity' };

export interface NgffDataset {
  path: string;
  coordinateTransformations: NgffTransformation[];
}

export interface NgffMultiscale {
  version?: string;
  name?: string;
  axes: NgffAxis[];
  datasets: NgffDataset[];
  coordinateTransformations?: NgffTransformation[];
  type?: string;
  metadata?: Record<string, unknown>;
}

/** Length units NGFF allows for space axes (UDUNITS-2 names). */
export const SPACE_UNITS = new Set([
  'angstrom', 'attometer', 'centimeter', 'decimeter', 'exameter', 'femtometer', 'foot', 'gigameter', 'hectometer', 'inch',
  'kilometer', 'megameter', 'meter', 'micrometer', 'mile', 'millimeter', 'nanometer', 'parsec', 'petameter', 'picometer',
  'terameter', 'yard', 'yoctometer', 'yottameter', 'zeptometer', 'zettameter',
]);

/** Time units NGFF allows for time axes. */
export const TIME_UNITS = new Set([
  'attosecond', 'centisecond', 'day', 'decisecond', 'exasecond', 'femtosecond', 'gigasecond', 'hectosecond', 'hour',
  'kilosecond', 'megasecond', 'microsecond', 'millisecond', 'minute', 'nanosecond', 'petasecond', 'picosecond', 'second',
  'terasecond', 'yoctosecond', 'yottasecond', 'zeptosecond', 'zettasecond',
]);

const AXIS_ORDER: Record<string, number> = { time: 0, channel: 1, space: 2 };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNumberList(value: unknown, length: number): boolean {
  return Array.isArray(value) && value.length === length && value.every((v) => typeof v === 'number' && Number.isFinite(v));
}

/** The NGFF block of a group's attributes: `.zattrs` itself (0.4) or its `ome` object (0.5). */
export function ngffBlock(attributes: unknown, version: NgffVersion): Record<string, unknown> | undefined {
  if (!isObject(attributes)) return undefined;
  if (version === '0.4') return attributes;
  return isObject(attributes.ome) ? attributes.ome : undefined;
}

/**
 * Every way the attributes break the NGFF image (and, when present, image-label) rules, as
 * sentences naming the field; empty when they follow them.
 */
export function ngffProblems(attributes: unknown, version: NgffVersion): string[] {
  const problems: string[] = [];
  const block = ngffBlock(attributes, version);
  if (!block) return [version === '0.5' ? 'the attributes have no "ome" object' : 'the attributes are not a JSON object'];
  if (version === '0.5' && block.version !== '0.5') problems.push(`ome.version is ${JSON.stringify(block.version)}, expected "0.5"`);
  const multiscales = block.multiscales;
  if (!Array.isArray(multiscales) || multiscales.length === 0) {
    problems.push('there is no "multiscales" list (or it is empty)');
    return problems;
  }
  multiscales.forEach((multiscale, m) => checkMultiscale(multiscale, `multiscales[${m}]`, version, problems));
  if ('image-label' in block) checkImageLabel(block['image-label'], version, problems);
  return problems;
}

function checkMultiscale(multiscale: unknown, where: string, version: NgffVersion, problems: string[]): void {
  if (!isObject(multiscale)) {
    problems.push(`${where} is not an object`);
    return;
  }
  if (version === '0.4' && multiscale.version !== '0.4') problems.push(`${where}.version is ${JSON.stringify(multiscale.version)}, expected "0.4"`);
  if (multiscale.name !== undefined && typeof multiscale.name !== 'string') problems.push(`${where}.name is not a string`);
  const axes = multiscale.axes;
  if (!Array.isArray(axes) || axes.length < 2 || axes.length > 5) {
    problems.push(`${where}.axes must list 2 to 5 axes`);
    return;
  }
  checkAxes(axes, `${where}.axes`, problems);
  const rank = axes.length;
  if (multiscale.coordinateTransformations !== undefined) checkTransformations(multiscale.coordinateTransformations, `${where}.coordinateTransformations`, rank, problems);
  const datasets = multiscale.datasets;
  if (!Array.isArray(datasets) || datasets.length === 0) {
    problems.push(`${where}.datasets must list at least one resolution level`);
    return;
  }
  datasets.forEach((dataset, d) => {
    const at = `${where}.datasets[${d}]`;
    if (!isObject(dataset)) return void problems.push(`${at} is not an object`);
    if (typeof dataset.path !== 'string' || dataset.path === '') problems.push(`${at}.path must be a non-empty string`);
    checkTransformations(dataset.coordinateTransformations, `${at}.coordinateTransformations`, rank, problems);
  });
}

function checkAxes(axes: unknown[], where: string, problems: string[]): void {
  const names = new Set<string>();
  let space = 0;
  let time = 0;
  let lastOrder = -1;
  axes.forEach((axis, a) => {
    const at = `${where}[${a}]`;
    if (!isObject(axis)) return void problems.push(`${at} is not an object`);
    if (typeof axis.name !== 'string' || axis.name === '') return void problems.push(`${at}.name must be a non-empty string`);
    if (names.has(axis.name)) problems.push(`${at}.name "${axis.name}" is used twice`);
    names.add(axis.name);
    if (axis.type !== undefined && typeof axis.type !== 'string') problems.push(`${at}.type is not a string`);
    const type = typeof axis.type === 'string' ? axis.type : undefined;
    if (type === 'space') space++;
    if (type === 'time') time++;
    if (axis.unit !== undefined) {
      if (type === 'space' && !SPACE_UNITS.has(String(axis.unit))) problems.push(`${at}.unit "${String(axis.unit)}" is not a length unit NGFF allows (e.g. "nanometer", "micrometer")`);
      if (type === 'time' && !TIME_UNITS.has(String(axis.unit))) problems.push(`${at}.unit "${String(axis.unit)}" is not a time unit NGFF allows (e.g. "second")`);
    }
    // Custom types (neither time, channel nor space) may stand anywhere before the space axes.
    const order = type !== undefined && type in AXIS_ORDER ? AXIS_ORDER[type]! : 1;
    if (order < lastOrder) problems.push(`${at} ("${axis.name}", ${type ?? 'no type'}) comes after a later kind of axis; the order is time, channel, then space`);
    lastOrder = Math.max(lastOrder, order);
  });
  if (space < 2 || space > 3) problems.push(`${where} must hold 2 or 3 axes of type "space", not ${space}`);
  if (time > 1) problems.push(`${where} holds ${time} time axes; at most one is allowed`);
}

function checkTransformations(value: unknown, where: string, rank: number, problems: string[]): void {
  if (!Array.isArray(value) || value.length === 0) return void problems.push(`${where} must list a "scale" transformation`);
  const types = value.map((t) => (isObject(t) ? t.type : undefined));
  if (types[0] !== 'scale') problems.push(`${where}[0] must be a "scale" transformation, not ${JSON.stringify(types[0])}`);
  if (types.filter((t) => t === 'scale').length > 1) problems.push(`${where} holds more than one "scale"`);
  if (types.filter((t) => t === 'translation').length > 1) problems.push(`${where} holds more than one "translation"`);
  if (value.length > 2 || (value.length === 2 && types[1] !== 'translation')) problems.push(`${where} may hold only a scale followed by one translation`);
  value.forEach((transformation, t) => {
    if (!isObject(transformation)) return;
    if (transformation.type === 'scale' && !isNumberList(transformation.scale, rank)) problems.push(`${where}[${t}].scale must be ${rank} numbers, one per axis`);
    if (transformation.type === 'translation' && !isNumberList(transformation.translation, rank)) problems.push(`${where}[${t}].translation must be ${rank} numbers, one per axis`);
    if ('path' in transformation) problems.push(`${where}[${t}] uses "path", which Membrana does not read`);
  });
}

function checkImageLabel(value: unknown, version: NgffVersion, problems: string[]): void {
  if (!isObject(value)) return void problems.push('"image-label" is not an object');
  if (version === '0.4' && value.version !== undefined && value.version !== '0.4') problems.push(`image-label.version is ${JSON.stringify(value.version)}, expected "0.4"`);
  if (value.source !== undefined && (!isObject(value.source) || (value.source.image !== undefined && typeof value.source.image !== 'string'))) {
    problems.push('image-label.source.image must be a path string');
  }
  if (value.colors !== undefined) {
    if (!Array.isArray(value.colors)) problems.push('image-label.colors must be a list');
    else value.colors.forEach((color, c) => {
      if (!isObject(color) || typeof color['label-value'] !== 'number') problems.push(`image-label.colors[${c}] needs a numeric "label-value"`);
    });
  }
}
