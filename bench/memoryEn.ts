// English memories for the bench: a personal assistant's facts, preferences, tasks, events and document chunks, built
// from sizable vocabularies and templates of varying shape, each with a paraphrased question that should find it.

import {
  ACTIVITIES,
  ADJ,
  CITIES,
  CURRENCIES,
  DAYS,
  DOMAINS,
  FEMALE,
  FIRM,
  FOODS,
  JOBS,
  LAST,
  MALE,
  MONTHS,
  OBJECTS,
  PROJECTS,
  REL_ANY,
  REL_F,
  REL_M,
  ROOTS,
  SERVICES,
  THINGS,
  TOPICS,
  VENUE,
  VERBS,
} from './memoryEnWords.ts';
import { cap, chance, type Generated, int, oneOf, paragraph, pick, pickN, type Rand, variant } from './memoryRandom.ts';

function past(v: string): string {
  const [base, irregular] = v.split(':') as [string, string | undefined];
  if (irregular) return irregular;
  if (base.endsWith('e')) return `${base}d`;
  if (/[^aeiou]y$/.test(base)) return `${base.slice(0, -1)}ied`;
  return `${base}ed`;
}
const base = (v: string) => v.split(':')[0] as string;

/** Plural of a noun, or the third person of a verb (the last word of a phrase). */
function plural(w: string): string {
  if (/(s|x|z|ch|sh)$/.test(w)) return `${w}es`;
  if (/[^aeiou]y$/.test(w)) return `${w.slice(0, -1)}ies`;
  return `${w}s`;
}

function name(r: Rand, male = chance(r, 0.5)) {
  return { first: pick(r, male ? MALE : FEMALE), last: pick(r, LAST) };
}
/** A relation and a person who fits it ("my sister Emma", "my colleague Omar"). */
function relative(r: Rand): { rel: string; p: { first: string; last: string } } {
  const male = chance(r, 0.5);
  const rel = chance(r, 0.6) ? pick(r, REL_ANY) : pick(r, male ? REL_M : REL_F);
  return { rel, p: name(r, male) };
}
const company = (r: Rand) => `${pick(r, ROOTS)} ${pick(r, FIRM)}`;
const venue = (r: Rand) => `${pick(r, ROOTS)} ${pick(r, VENUE)}`;
const year = (r: Rand) => int(r, 2018, 2027);
function date(r: Rand): string {
  const d = int(r, 1, 28);
  const m = pick(r, MONTHS, 1);
  return oneOf(r, [() => `${d} ${m} ${year(r)}`, () => `${m} ${d}`, () => `${d} ${m}`]);
}
const money = (r: Rand) => `${int(r, 5, 4800)}${chance(r, 0.3) ? `.${int(r, 10, 99)}` : ''} ${pick(r, CURRENCIES)}`;
const phone = (r: Rand) =>
  `+${pick(r, ['44', '1', '49', '33', '34', '39', '351', '31', '46'])} ${int(r, 100, 999)} ${int(r, 100, 999)} ${int(r, 1000, 9999)}`;
const a = (w: string) => (/^[aeiou]/i.test(w) ? `an ${w}` : `a ${w}`);

type Maker = (r: Rand) => Omit<Generated, 'lang'>;

const contact: Maker = (r) => {
  const p = name(r);
  const kind = pick(r, ['mobile', 'work', 'home', 'office'], 1);
  const extra = chance(r, 0.5) ? `; ${pick(r, ['text', 'email', 'call', 'WhatsApp'])} after ${int(r, 5, 9)} pm` : '';
  return {
    kind: 'fact',
    importance: 0.5,
    ...variant(r, [
      () => [
        `${p.first} ${p.last}'s ${kind} number is ${phone(r)}${extra}.`,
        [`how do I reach ${p.first} ${p.last} by phone`, `${p.last} ${kind} phone`, `${p.first} ${p.last}'s number?`],
      ],
    ]),
  };
};

const works: Maker = (r) => {
  const { rel, p } = relative(r);
  const job = pick(r, JOBS);
  const co = company(r);
  const city = pick(r, CITIES);
  const since = chance(r, 0.5) ? ` since ${year(r)}` : '';
  const asks = [
    `where does my ${rel} ${p.first} work`,
    `which company is ${p.first} ${p.last} with`,
    `${p.first} ${job} ${city}`,
  ];
  return {
    kind: 'fact',
    importance: 0.4,
    ...variant(r, [
      () => [`My ${rel} ${p.first} ${p.last} works at ${co} in ${city} as ${a(job)}${since}.`, asks],
      () => [
        `${p.first} (${rel}) is ${a(job)} at ${co}, ${city} office${since}; ask for ${p.first} ${p.last} at reception.`,
        asks,
      ],
    ]),
  };
};

const bill: Maker = (r) => {
  const co = company(r);
  const svc = pick(r, SERVICES);
  const id = `${pick(r, ['INV', 'BL', 'No.', 'REF'])}-${int(r, 1000, 99999)}`;
  const how = chance(r, 0.4) ? `; pay by ${pick(r, ['card', 'bank transfer', 'direct debit', 'PayPal'])}` : '';
  return {
    kind: 'fact',
    importance: 0.6,
    ...variant(r, [
      () => [
        `Invoice ${id} from ${co} for ${svc}, ${money(r)}, is due on ${date(r)}${how}.`,
        [
          `how much do I owe ${co} for ${svc}`,
          `when is the ${co} ${svc} bill due`,
          `${svc} invoice ${co.split(' ')[0]}`,
        ],
      ],
    ]),
  };
};

const warranty: Maker = (r) => {
  const thing = pick(r, THINGS);
  const shop = company(r);
  const where = pick(r, ['the blue folder', 'the top drawer', 'my email', 'the shoebox in the loft', 'Google Drive']);
  return {
    kind: 'fact',
    importance: 0.4,
    ...variant(r, [
      () => [
        `The ${pick(r, ADJ)} ${thing} from ${shop} is under warranty until ${date(r)}; the receipt is in ${where}.`,
        [
          `when does the warranty on the ${thing} from ${shop.split(' ')[0]} expire`,
          `receipt for the ${thing} bought at ${shop}`,
        ],
      ],
    ]),
  };
};

const address: Maker = (r) => {
  const p = name(r);
  const street = `${pick(r, ROOTS)} ${pick(r, ['Street', 'Road', 'Lane', 'Avenue', 'Close', 'Gardens', 'Way'])}`;
  const flat = chance(r, 0.4) ? `, flat ${int(r, 1, 120)}` : '';
  const city = pick(r, CITIES);
  const code = chance(r, 0.3) ? `; door code ${int(r, 1000, 9999)}` : '';
  return {
    kind: 'fact',
    importance: 0.4,
    ...variant(r, [
      () => [
        `${p.first} ${p.last} lives at ${int(r, 1, 240)} ${street}${flat}, ${city}${code}.`,
        [`what is ${p.first} ${p.last}'s address`, `where in ${city} does ${p.first} ${p.last} live`],
      ],
    ]),
  };
};

const likes: Maker = (r) => {
  const [f1, f2, f3] = pickN(r, FOODS, 3) as [string, string, string];
  const when = pick(r, ['for breakfast', 'on weekends', 'after training', 'at work', 'when travelling', 'in winter']);
  const asks = [`what do I like ${when}`, `do I eat ${f3}`, `${f1} or ${f3}?`];
  return {
    kind: 'preference',
    importance: 0.5,
    ...variant(r, [
      () => [`I like ${f1} ${when}, ideally with ${f2}, but I can't stand ${f3}.`, asks],
      () => [`Food: ${f1} ${when} yes, ${f3} never.`, asks],
      () => [`Don't order ${f3} for me; I prefer ${f1} or ${f2} ${when}.`, asks],
    ]),
  };
};

const prefers: Maker = (r) => {
  const { rel, p } = relative(r);
  const [x, y, z] = pickN(r, ACTIVITIES, 3) as [string, string, string];
  return {
    kind: 'preference',
    importance: 0.45,
    ...variant(r, [
      () => [
        `My ${rel} ${p.first} loves ${x}, is fine with ${y} and really dislikes ${z}.`,
        [`what does my ${rel} ${p.first} enjoy`, `does ${p.first} like ${z}`],
      ],
      () => [
        `${p.first} ${p.last} prefers ${x} to ${y}; avoid planning ${z} with ${p.first}.`,
        [`what does ${p.first} ${p.last} prefer`, `${p.first} ${p.last} ${z}`],
      ],
    ]),
  };
};

const todo: Maker = (r) => {
  const v = base(pick(r, VERBS));
  const obj = pick(r, OBJECTS);
  const { rel, p } = relative(r);
  const when = chance(r, 0.5) ? pick(r, DAYS, 1) : date(r);
  const why = chance(r, 0.4) ? ` — ${p.first} needs it for ${pick(r, TOPICS)}` : '';
  return {
    kind: 'task',
    importance: 0.6,
    ...variant(r, [
      () => [
        `Remember to ${v} the ${pick(r, ADJ)} ${obj} for ${p.first} ${p.last} before ${when}${why}.`,
        [`what do I need to ${v} for ${p.first} ${p.last}`, `deadline to ${v} the ${obj}`],
      ],
      () => [`TODO: ${v} ${obj} by ${when}${why}.`, [`when do I have to ${v} the ${obj}`, `${obj} todo ${when}`]],
      () => [
        `${cap(v)} the ${obj} and send it to ${p.first} (my ${rel}) by ${when}.`,
        [`what should I send my ${rel} ${p.first}`, `${obj} for ${p.first} by ${when}`],
      ],
    ]),
  };
};

const projectTasks: Maker = (r) => {
  const proj = pick(r, PROJECTS);
  const objs = pickN(r, OBJECTS, int(r, 2, 4));
  const steps = objs.map((o) => `${base(pick(r, VERBS))} the ${o}`);
  const owner = name(r);
  return {
    kind: 'task',
    importance: 0.65,
    ...variant(r, [
      () => [
        `Project ${proj}, owner ${owner.first} ${owner.last}: ${steps.join(', ')} by ${date(r)}.`,
        [`open tasks on ${proj} for ${owner.first}`, `${proj} ${objs[0]} deadline`],
      ],
    ]),
  };
};

const meeting: Maker = (r) => {
  const p = name(r);
  const city = pick(r, CITIES);
  const topic = pick(r, TOPICS);
  const v = pick(r, VERBS);
  const obj = pick(r, OBJECTS);
  const bare = topic.replace(/^(the|a) /, '');
  return {
    kind: 'event',
    importance: 0.5,
    ...variant(r, [
      () => [
        `On ${date(r)} I met ${p.first} ${p.last} at ${venue(r)} in ${city} to discuss ${topic}; we agreed to ${base(v)} the ${obj} by ${date(r)}.`,
        [`when did I meet ${p.first} ${p.last} in ${city}`, `what did ${p.first} and I agree about ${bare}`],
      ],
      () => [
        `Call with ${p.first} ${p.last} about ${topic}: they ${past(v)} the ${obj}, next step is mine.`,
        [`${p.last} call about ${bare}`, `what did ${p.first} ${p.last} do with the ${obj}`],
      ],
      () => [
        `${pick(r, DAYS, 1)}: lunch with ${p.first} in ${city}, talked about ${topic} and ${pick(r, TOPICS)}.`,
        [`lunch with ${p.first} in ${city}`, `when did ${p.first} and I talk about ${bare}`],
      ],
    ]),
  };
};

const occasion: Maker = (r) => {
  const { rel, p } = relative(r);
  const what = pick(r, [
    'birthday',
    'wedding anniversary',
    'graduation',
    'housewarming',
    'retirement party',
    'name day',
  ]);
  const gift = chance(r, 0.5) ? `; gift idea: ${a(pick(r, THINGS))} or ${pick(r, ACTIVITIES)} lessons` : '';
  return {
    kind: 'event',
    importance: 0.55,
    ...variant(r, [
      () => [
        `${p.first}'s ${what} (my ${rel}) is on ${date(r)} at ${venue(r)}, ${pick(r, CITIES)}${gift}.`,
        [`when is ${p.first}'s ${what}`, `where do we celebrate my ${rel}'s ${what}`],
      ],
    ]),
  };
};

const trip: Maker = (r) => {
  const [from, to] = pickN(r, CITIES, 2) as [string, string];
  const code = `${pick(r, ['BA', 'LH', 'AF', 'KL', 'TK', 'U2', 'FR', 'SU', 'AY'])}${int(r, 10, 9999)}`;
  const hotel = `${pick(r, ROOTS)} Hotel`;
  const time = `${int(r, 5, 23)}:${pick(r, ['05', '15', '30', '45', '50'])}`;
  return {
    kind: 'event',
    importance: 0.7,
    ...variant(r, [
      () => [
        `Flight ${code} from ${from} to ${to} leaves ${date(r)} at ${time}, seat ${int(r, 1, 40)}${pick(r, ['A', 'C', 'D', 'F'])}; ${hotel} booked for ${int(r, 1, 14)} nights.`,
        [`when do I fly from ${from} to ${to}`, `which hotel did I book in ${to}`, `${from} ${to} flight seat`],
      ],
    ]),
  };
};

const chunk: Maker = (r) => {
  const d = pick(r, DOMAINS, 1);
  const n = () => pick(r, d.nouns);
  const v = () => pick(r, d.verbs);
  const adj = () => pick(r, d.adj);
  const who = name(r);
  const [k1, k2] = pickN(r, d.nouns, 2) as [string, string];
  const sentences = [
    () => `If the ${n()} is ${adj()}, ${v()} the ${n()} before you ${v()} the ${n()}.`,
    () =>
      `Each ${n()} should ${v()} at least ${int(r, 2, 20)} ${plural(n())} per ${pick(r, ['day', 'week', 'month', 'cycle'])}.`,
    () =>
      `According to ${who.first} ${who.last}, ${plural(n())} ${v()} ${adj()} ${plural(n())} more often than ${plural(n())}.`,
    () => `Section ${int(r, 1, 12)}.${int(r, 1, 9)} covers the ${n()}, the ${n()} and the ${adj()} ${n()}.`,
    () => `Never ${v()} ${a(adj())} ${n()} without checking the ${n()} first.`,
    () => `In ${year(r)} we ${past(v())} the ${n()} to cut ${n()} costs by ${int(r, 5, 60)}%.`,
  ];
  const title = pick(r, d.title, 1);
  const first = `The ${adj()} ${k1} ${plural(v())} the ${k2} when ${a(n())} is ${adj()}.`;
  return {
    kind: 'document_chunk',
    importance: 0.3,
    ...variant(r, [
      () => [
        `${title}, part ${int(r, 1, 30)}. ${paragraph(first, pickN(r, sentences, int(r, 1, 5), 1))}`,
        [
          `what does the ${title.toLowerCase()} say about the ${k1} and the ${k2}`,
          `${k1} ${k2} in the ${title.toLowerCase()}`,
        ],
      ],
    ]),
  };
};

// Weights: facts and tasks dominate a personal memory; chunks are fewer but long.
const MAKERS: [Maker, number][] = [
  [contact, 8],
  [works, 8],
  [bill, 7],
  [warranty, 5],
  [address, 5],
  [likes, 6],
  [prefers, 6],
  [todo, 12],
  [projectTasks, 6],
  [meeting, 12],
  [occasion, 5],
  [trip, 5],
  [chunk, 15],
];
const TOTAL = MAKERS.reduce((s, [, w]) => s + w, 0);

export function englishMemory(r: Rand): Generated {
  let x = r() * TOTAL;
  for (const [make, w] of MAKERS) {
    x -= w;
    if (x < 0) return { ...make(r), lang: 'en' };
  }
  return { ...chunk(r), lang: 'en' };
}
