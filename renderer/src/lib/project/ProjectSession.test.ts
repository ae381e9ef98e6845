import { describe, expect, it } from 'vitest';
import { FakeProjectEngine, settle } from '../testing/fakeProjectEngine.js';
import { ProjectSession } from './ProjectSession.svelte.js';

function open(): { engine: FakeProjectEngine; project: ProjectSession; errors: string[] } {
  const engine = new FakeProjectEngine(8, 8, 16);
  const errors: string[] = [];
  const project = new ProjectSession(engine.info, () => engine.client, (title, error) => errors.push(`${title}: ${(error as Error).message}`));
  return { engine, project, errors };
}

describe('ProjectSession: predicting', () => {
  it('counts each slice as predicted as soon as the engine has stored it, not only at the end', async () => {
    const { engine, project } = open();
    engine.predictBeforeWaiting = 3;
    const run = project.predict(0, 15);
    await settle();
    expect(project.job?.kind).toBe('predict');
    expect(project.info.predicted).toEqual([0, 1, 2]);
    project.cancelJob();
    await run;
  });

  it('says what a cancelled prediction leaves done, instead of nothing', async () => {
    const { engine, project, errors } = open();
    engine.predictBeforeWaiting = 5;
    const run = project.predict(0, 15);
    await settle();
    project.cancelJob();
    await run;
    expect(project.job).toBeNull();
    expect(errors).toEqual([]);
    expect(project.jobNotice).toBe('Prediction cancelled: 5 of 16 slices done and kept (0–4).');
    // The next job starts with a clean slate.
    engine.predictBeforeWaiting = Infinity;
    await project.predict(5, 5);
    expect(project.jobNotice).toBeNull();
    expect(project.info.predicted).toHaveLength(6);
  });

  it('says so when a prediction is cancelled before any slice is done', async () => {
    const { engine, project } = open();
    engine.predictBeforeWaiting = 0;
    const run = project.predict(3, 3);
    await settle();
    project.cancelJob();
    await run;
    expect(project.jobNotice).toBe('Prediction cancelled before a slice was done.');
  });
});
