// The heuristic extractor: what it keeps (and what it leaves) from messages in English and Russian.
import { describe, expect, it } from 'vitest';
import { type Candidate, extractHeuristic, sentencesOf, topic } from './extract.ts';
import { allTermsQuery, textQuery } from './textQuery.ts';

const one = (text: string): Candidate => {
  const out = extractHeuristic(text);
  expect(out).toHaveLength(1);
  return out[0] as Candidate;
};

describe('extractHeuristic', () => {
  it('keeps explicit "remember"/«запомни» requests as important, and ignores small talk', () => {
    expect(extractHeuristic('Nice weather today! How are you?')).toEqual([]);
    expect(one('Remember that the spare key is under the mat. Thanks!')).toMatchObject({
      action: 'save',
      kind: 'fact',
      text: 'the spare key is under the mat',
      importance: 0.8,
    });
    expect(one('Запомни: код от домофона 4512.')).toMatchObject({ kind: 'fact', text: 'код от домофона 4512' });
  });

  it('gives preferences and "my X is Y" a slot, so a later contrary statement can supersede them', () => {
    expect(one('I like black coffee.').slot).toBe(one("I don't like black coffee anymore").slot);
    expect(one('Я люблю зелёный чай').slot).toBe(one('Я больше не люблю зелёный чай').slot);
    expect(one('My dentist is Dr. Helen Marsh.')).toMatchObject({
      slot: 'my:dentist',
      entities: [{ name: 'Helen Marsh', type: 'name' }],
    });
    expect(one('Мой врач — Ольга Смирнова').slot).toBe('my:врач');
  });

  it('turns "forget …"/«забудь …» into a forget action naming what to drop', () => {
    expect(one('Please forget about the beagle.')).toMatchObject({ action: 'forget', text: 'the beagle' });
    expect(one('Забудь про дачу')).toMatchObject({ action: 'forget', text: 'дачу' });
  });

  it('finds tasks, dated events and stated relations', () => {
    expect(one('I need to call the plumber').kind).toBe('task');
    expect(one('Напомни оплатить интернет').kind).toBe('task');
    expect(one('The board meets on 18 June in Zurich').kind).toBe('event');
    expect(one('Совещание 15 мая в 11:00').kind).toBe('event');
    expect(one('Sarah Collins works at Northwind Logistics').relations).toEqual([
      {
        from: { name: 'Sarah Collins', type: 'name' },
        to: { name: 'Northwind Logistics', type: 'name' },
        type: 'works_at',
        weight: 0.5,
      },
    ]);
  });

  it('does not split sentences at abbreviations', () => {
    expect(sentencesOf('Call Dr. Marsh. Then ул. Советская, 18.')).toEqual([
      'Call Dr. Marsh',
      'Then ул. Советская, 18',
    ]);
    expect(topic('black coffee anymore')).toBe(topic('black coffee'));
  });
});

describe('textQuery', () => {
  it('stems words into prefix terms, drops stopwords, and only passes letters and digits', () => {
    expect(textQuery('Когда истекает договор аренды?')).toBe('истека:* | договор:* | аренд:*');
    expect(textQuery("what's the lease & rent | price")).toBe('leas:* | rent:* | pric:*');
    expect(textQuery('?! the')).toBeNull();
    expect(allTermsQuery('beagle Biscuit')).toBe('beagl:* & biscuit:*');
  });
});
