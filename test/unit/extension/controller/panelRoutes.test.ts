import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { routePanelMessage, type PanelHandlers } from '../../../../src/extension/controller/panelRoutes';
import { AnswerCommand, ReadyCommand, UndoCommand } from '../../../../src/protocol';

function recordingHandlers(calls: unknown[][]): PanelHandlers {
  const rec =
    (name: string) =>
    (params: unknown, id: number | undefined): void =>
      void calls.push([name, params, id]);
  return {
    ready: rec('ready'),
    answer: rec('answer'),
    undo: rec('undo'),
    openSource: rec('openSource'),
    nextBatch: rec('nextBatch'),
    retrain: rec('retrain'),
    showView: rec('showView'),
    resolveContested: rec('resolveContested'),
    dismissContested: rec('dismissContested'),
  };
}

describe('panel message routing (controller/panelRoutes.ts)', () => {
  test('each method reaches its handler with its params and sequence number', () => {
    const calls: unknown[][] = [];
    const h = recordingHandlers(calls);
    assert.equal(routePanelMessage(h, AnswerCommand.create({ spanId: 's', label: 'a', answer: 'accept' }, 4)).handled, true);
    assert.equal(routePanelMessage(h, UndoCommand.create({}, 5)).handled, true);
    assert.equal(routePanelMessage(h, ReadyCommand.create({ restored: true })).handled, true);
    assert.deepEqual(calls, [
      ['answer', { spanId: 's', label: 'a', answer: 'accept' }, 4],
      ['undo', {}, 5],
      ['ready', { restored: true }, undefined],
    ]);
  });

  test('unknown methods, inherited keys and non-messages are not handled and call nothing', () => {
    const calls: unknown[][] = [];
    const h = recordingHandlers(calls);
    for (const m of [{ method: 'frobnicate', params: {} }, { method: 'toString', params: {} }, { method: 'constructor' }, null, 'answer', 42, {}]) {
      assert.equal(routePanelMessage(h, m).handled, false, JSON.stringify(m));
    }
    assert.deepEqual(calls, []);
  });

  test('the handler map is exhaustive: leaving a method out does not compile', () => {
    const calls: unknown[][] = [];
    const { undo: _undo, ...withoutUndo } = recordingHandlers(calls);
    // @ts-expect-error `undo` has no handler (npm run typecheck fails if this compiles)
    const partial: PanelHandlers = withoutUndo;
    assert.equal(routePanelMessage(partial, UndoCommand.create({}, 1)).handled, false);
  });
});
