import { measureNeuronView, CHROMIUM_ARGS } from './measureNeuronView.mjs';
const runs = JSON.parse(process.argv[2]);
const extra = process.argv.slice(3);
const r = await measureNeuronView({ runs, args: [...CHROMIUM_ARGS, ...extra], screenshot: process.env.SHOT });
for (const x of r) console.log(JSON.stringify({ o: x.options.triangleBudget, n: x.options.neurons, w: x.options.width, loopMs: +(x.loopFrames.milliseconds / x.loopFrames.frames).toFixed(1), med: +x.stats.intervalSummary.median.toFixed(1), p95: +x.stats.intervalSummary.p95.toFixed(1), render: x.stats.renderSummary.median, tri: x.stats.triangles, calls: x.stats.drawCalls, det: x.stats.detailedNeurons, pick: +x.pickMilliseconds.toFixed(1), build: +x.buildMilliseconds.toFixed(0) }));
