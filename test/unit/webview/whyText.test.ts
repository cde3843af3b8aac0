import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { WhyInfo } from '../../../src/protocol';
import { formatCount, formatTopShare, metaText, rankText, scoreText, strategySaw, votesText } from '../../../src/webview/whyText';
import { PanelModel } from '../../../src/webview/panelModel';
import { FakeTransport, hostState, span, stateMsg } from './fakeTransport';

const why = (over: Partial<WhyInfo>): WhyInfo => ({ strategy: 'margin', score: 6.8e-5, votes: {}, ...over });

describe('the "why" in words', () => {
  test('the meta-learner names the regime, then why this strategy', () => {
    const base: WhyInfo = { strategy: 'margin', score: 0.1, votes: {} };
    assert.equal(metaText({ ...base, regime: 'refining: 40 labels per class', armReason: 'margin is favoured here' }), 'Refining: 40 labels per class. Margin is favoured here');
    assert.equal(metaText({ ...base, regime: 'skewed labels' }), 'Skewed labels.');
  });

  test('a rank reads as a share of the pool with the pool size: "Top 2 % closest calls of 4,512"', () => {
    assert.equal(rankText(why({ rank: 87, poolSize: 4512 })), 'Top 2 % closest calls of 4,512 unlabeled spans (#87)');
    assert.equal(rankText(why({ strategy: 'least-confidence', rank: 1, poolSize: 4512 })), 'Top 0.1 % most uncertain of 4,512 unlabeled spans (#1)');
    assert.equal(rankText(why({ strategy: 'vote-entropy', rank: 30, poolSize: 100 })), 'Top 30 % most disputed of 100 unlabeled spans (#30)');
    assert.equal(rankText(why({ strategy: 'egl', rank: 600, poolSize: 1200 })), 'Top 50 % most informative of 1,200 unlabeled spans (#600)');
    // Past the middle, the place in the order rather than "top 67 %".
    assert.equal(rankText(why({ strategy: 'vote-entropy', rank: 38, poolSize: 57 })), '#38 of 57 unlabeled spans, most disputed first');
  });

  test('the new arms say what they saw and rank in their own words', () => {
    assert.equal(rankText(why({ strategy: 'coverage', rank: 3, poolSize: 1000 })), 'Top 0.3 % farthest from any label of 1,000 unlabeled spans (#3)');
    assert.equal(rankText(why({ strategy: 'typicality', rank: 20, poolSize: 1000 })), 'Top 2 % most typical of 1,000 unlabeled spans (#20)');
    assert.match(strategySaw(why({ strategy: 'typicality' })), /typical example of a large group/);
    assert.match(strategySaw(why({ strategy: 'coverage' })), /Far from every labeled span/);
    assert.match(strategySaw(why({ strategy: 'class-balance' })), /a label you have given rarely/);
    assert.equal(rankText(why({ strategy: 'class-balance', rank: 5, poolSize: 100 })), 'Top 5 % closest calls on rare labels of 100 unlabeled spans (#5)');
  });

  test('no rank (random picks, older hosts), no rank text', () => {
    assert.equal(rankText(why({ strategy: 'random' })), null);
    assert.equal(rankText(why({ rank: 3 })), null);
    assert.equal(rankText(why({ rank: 0, poolSize: 10 })), null);
  });

  test('shares under 1 % keep a decimal so the very top is never "0 %"', () => {
    assert.equal(formatTopShare(1, 100000), '0.1 %');
    assert.equal(formatTopShare(45, 10000), '0.5 %');
    assert.equal(formatTopShare(101, 10000), '2 %');
    assert.equal(formatCount(1234567), '1,234,567');
    assert.equal(formatCount(12), '12');
  });

  test('what the strategy saw, in a sentence, also for random picks before and after training', () => {
    assert.match(strategySaw(why({})), /two likeliest labels are nearly tied/);
    assert.match(strategySaw(why({ strategy: 'random' })), /to start/);
    assert.match(strategySaw(why({ strategy: 'random', top: [{ label: 'a', probability: 0.6 }] })), /representative/);
    assert.equal(strategySaw(why({ strategy: 'my-own' })), 'Chosen by the my-own strategy.');
    assert.match(strategySaw(why({ strategy: 'stored' })), /Labeled earlier/);
    assert.match(strategySaw(why({ strategy: 'review' })), /not picked by a strategy/);
    // A committee strategy never says "splits its votes" beside a unanimous vote.
    assert.match(strategySaw(why({ strategy: 'vote-entropy', votes: { a: 3, b: 2 } })), /splits its votes/);
    assert.match(strategySaw(why({ strategy: 'vote-entropy', votes: { a: 5, b: 0 } })), /votes alike here, but none of its members is sure/);
  });

  test('the committee votes counted out', () => {
    assert.equal(votesText({ sports: 3, news: 2, fiction: 0 }), '3 of 5 committee models vote sports, 2 news');
    assert.equal(votesText({ sports: 5, news: 0 }), 'All 5 committee models vote sports');
    assert.equal(votesText({}), null);
    assert.equal(scoreText(why({})), 'margin score 6.80e-5');
  });

  test('the panel model hands the rank and the likeliest labels through to the view untouched', () => {
    const t = new FakeTransport();
    const model = new PanelModel(t);
    model.start();
    const base = hostState(0, 2);
    const shown = { ...span(0), why: why({ rank: 5, poolSize: 900, top: [{ label: 'a', probability: 0.5 }, { label: 'b', probability: 0.3 }] }) };
    t.send(stateMsg({ ...base, current: shown }));
    assert.deepEqual(model.display.current?.why, shown.why);
  });
});
