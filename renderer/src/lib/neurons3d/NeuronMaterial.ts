import * as THREE from 'three';
import type { Rgb } from './NeuronMesh.js';

/**
 * Uniforms every neuron material shares (one object, so one assignment per frame updates all):
 * the view-space distances over which far surfaces fade towards the background, a depth cue
 * that makes a dense tangle of neurites readable without shadows.
 */
export interface SharedNeuronUniforms {
  depthCue: { value: THREE.Vector2 };
}

export function createSharedNeuronUniforms(): SharedNeuronUniforms {
  return { depthCue: { value: new THREE.Vector2(0, 1) } };
}

// Lighting per vertex with a headlight (fixed in view space, from the upper left behind the
// viewer) plus ambient, and the colour computed directly in sRGB: the fragment shader only
// writes the interpolated colour. Without a GPU, Chromium rasterizes WebGL on the CPU
// (SwiftShader), where three's per-fragment Lambert shading made frames about 2.5× slower.
const VERTEX_SHADER = /* glsl */ `
uniform vec3 baseColor;
uniform vec3 glow;
uniform vec2 depthCue;
varying vec3 shadedColor;
const vec3 lightDirection = vec3(-0.38, 0.46, 0.80);
void main() {
  vec4 viewPosition = modelViewMatrix * vec4(position, 1.0);
  vec3 viewNormal = normalize(normalMatrix * normal);
  float diffuse = max(dot(viewNormal, lightDirection), 0.0);
  float fade = clamp((-viewPosition.z - depthCue.x) / max(depthCue.y - depthCue.x, 1e-3), 0.0, 1.0);
  shadedColor = (baseColor * (0.32 + 0.78 * diffuse) + glow) * (1.0 - 0.45 * fade);
  gl_Position = projectionMatrix * viewPosition;
}
`;

const FRAGMENT_SHADER = /* glsl */ `
varying vec3 shadedColor;
void main() {
  gl_FragColor = vec4(shadedColor, 1.0);
}
`;

/** A neuron surface: cheap per-vertex headlight shading in the neuron's colour. */
export function createNeuronMaterial(color: Rgb, glow: Rgb | null, shared: SharedNeuronUniforms): THREE.ShaderMaterial {
  return new THREE.ShaderMaterial({
    name: 'NeuronMaterial',
    uniforms: {
      baseColor: { value: new THREE.Vector3(...color) },
      glow: { value: new THREE.Vector3(...(glow ?? [0, 0, 0])) },
      depthCue: shared.depthCue,
    },
    vertexShader: VERTEX_SHADER,
    fragmentShader: FRAGMENT_SHADER,
  });
}
