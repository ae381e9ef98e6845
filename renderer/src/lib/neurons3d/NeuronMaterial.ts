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

// Lighting per vertex, in sRGB directly (the fragment shader only writes the interpolated
// colour): without a GPU, Chromium rasterizes WebGL on the CPU (SwiftShader), where three's
// per-fragment Lambert shading made frames about 2.5× slower. Three terms show the shape:
// - a hemisphere light by the world's up (-z, slice 0 on top): tops lighter, undersides darker,
//   which keeps the form readable from every side, also where the key light does not reach;
// - a key light fixed to the view, from the upper left in front, and a weak fill from the
//   lower right, so every turn of the view shows the relief;
// - a rim (Fresnel-like) term that lifts the silhouette off the dark background.
// Neurons never move (identity model matrix), so the object normal is the world normal.
const VERTEX_SHADER = /* glsl */ `
uniform vec3 baseColor;
uniform vec3 glow;
uniform vec2 depthCue;
varying vec3 shadedColor;
const vec3 keyDirection = vec3(-0.42, 0.52, 0.74);
const vec3 fillDirection = vec3(0.62, -0.38, 0.69);
void main() {
  vec4 viewPosition = modelViewMatrix * vec4(position, 1.0);
  vec3 viewNormal = normalize(normalMatrix * normal);
  float skyward = 0.5 - 0.5 * normalize(normal).z;
  // At most about 1 in all: segment colours are light, and a sum above 1 flattens them to white.
  float hemisphere = mix(0.08, 0.30, skyward);
  float key = 0.58 * max(dot(viewNormal, keyDirection), 0.0);
  float fill = 0.12 * max(dot(viewNormal, fillDirection), 0.0);
  float facing = max(dot(viewNormal, normalize(-viewPosition.xyz)), 0.0);
  float rim = 0.18 * pow(1.0 - facing, 3.0);
  float fade = clamp((-viewPosition.z - depthCue.x) / max(depthCue.y - depthCue.x, 1e-3), 0.0, 1.0);
  shadedColor = (baseColor * (hemisphere + key + fill) + rim * mix(baseColor, vec3(1.0), 0.5) + glow) * (1.0 - 0.4 * fade);
  gl_Position = projectionMatrix * viewPosition;
}
`;

const FRAGMENT_SHADER = /* glsl */ `
varying vec3 shadedColor;
void main() {
  gl_FragColor = vec4(shadedColor, 1.0);
}
`;

/** A neuron surface: cheap per-vertex shading (hemisphere, key, fill, rim) in the neuron's colour. */
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
