import * as THREE from 'three';
import { syntheticNeurons } from './syntheticNeurons.js';
const volume = { width: 512, height: 512, depth: 22, voxelSize: { x: 4, y: 4, z: 50 } };
const VS = `
#include <batching_pars_vertex>
varying vec3 shadedColor;
const vec3 lightDirection = vec3(-0.38, 0.46, 0.80);
void main() {
  #include <batching_vertex>
  vec4 viewPosition = modelViewMatrix * batchingMatrix * vec4(position, 1.0);
  vec3 viewNormal = normalize(normalMatrix * normal);
  float diffuse = max(dot(viewNormal, lightDirection), 0.0);
  vec3 base = getBatchingColor(getIndirectIndex(gl_DrawID)).rgb;
  shadedColor = base * (0.32 + 0.78 * diffuse);
  gl_Position = projectionMatrix * viewPosition;
}`;
const VS2 = `
uniform vec3 baseColor;
varying vec3 shadedColor;
const vec3 lightDirection = vec3(-0.38, 0.46, 0.80);
void main() {
  vec4 viewPosition = modelViewMatrix * vec4(position, 1.0);
  vec3 viewNormal = normalize(normalMatrix * normal);
  float diffuse = max(dot(viewNormal, lightDirection), 0.0);
  shadedColor = baseColor * (0.32 + 0.78 * diffuse);
  gl_Position = projectionMatrix * viewPosition;
}`;
const FS = `varying vec3 shadedColor; void main() { gl_FragColor = vec4(shadedColor, 1.0); }`;
export async function experiment(o: { mode: string; neurons: number; width: number; height: number; seconds: number; level: number }) {
  const canvas = document.getElementById('view') as HTMLCanvasElement;
  const renderer = new THREE.WebGLRenderer({ canvas, antialias: false });
  renderer.setSize(o.width, o.height);
  const gl = renderer.getContext();
  const ext = !!gl.getExtension('WEBGL_multi_draw');
  const scene = new THREE.Scene();
  const camera = new THREE.PerspectiveCamera(35, o.width / o.height, 10, 100000);
  camera.up.set(0, 0, -1);
  const target = new THREE.Vector3(1024, 1024, 550);
  camera.position.set(1024 + 2000, 1024 + 4000, -3000);
  camera.lookAt(target);
  const meshes = syntheticNeurons({ count: o.neurons, volume, triangles: 3000 });
  const pick = (m: (typeof meshes)[number]) => (o.level === 0 ? m : (m.lod as { positions: Float32Array; indices: Uint32Array }[])[o.level - 1]!);
  const geos = meshes.map((m) => { const g = new THREE.BufferGeometry(); const src = pick(m); g.setAttribute('position', new THREE.BufferAttribute(src.positions, 3)); g.setIndex(new THREE.BufferAttribute(src.indices, 1)); g.computeVertexNormals(); return g; });
  if (o.mode === 'batched') {
    let v = 0, i = 0;
    for (const g of geos) { v += g.getAttribute('position').count; i += g.index!.count; }
    const material = new THREE.ShaderMaterial({ vertexShader: VS, fragmentShader: FS });
    const batch = new THREE.BatchedMesh(meshes.length, v, i, material);
    batch.sortObjects = o.mode === 'batched';
    for (const [k, g] of geos.entries()) { const gid = batch.addGeometry(g); const id = batch.addInstance(gid); batch.setColorAt(id, new THREE.Color(...meshes[k]!.color)); }
    scene.add(batch);
  } else {
    for (const [k, g] of geos.entries()) { const material = new THREE.ShaderMaterial({ vertexShader: VS2, fragmentShader: FS, uniforms: { baseColor: { value: new THREE.Vector3(...meshes[k]!.color) } } }); scene.add(new THREE.Mesh(g, material)); }
  }
  const times: number[] = [];
  let last = performance.now();
  const end = last + o.seconds * 1000;
  await new Promise<void>((resolve) => {
    const tick = () => { const now = performance.now(); times.push(now - last); last = now; camera.position.sub(target).applyAxisAngle(new THREE.Vector3(0, 0, 1), 0.02).add(target); camera.lookAt(target); renderer.render(scene, camera); if (now < end) requestAnimationFrame(tick); else resolve(); };
    requestAnimationFrame(tick);
  });
  times.sort((a, b) => a - b);
  return { ext, frames: times.length, median: times[Math.floor(times.length / 2)], calls: renderer.info.render.calls, tri: renderer.info.render.triangles };
}
(window as unknown as { experiment: typeof experiment }).experiment = experiment;
