// Russian memories for the bench: facts, preferences, tasks, events and document chunks in the voice of a personal
// assistant's notes, declined properly enough that a query in another case still has to stem to find them.
import { cap, chance, type Generated, int, oneOf, paragraph, pick, pickN, type Rand, variant } from './memoryRandom.ts';
import {
  agree,
  decline as d,
  firstName,
  fullName,
  genderOf,
  lastName,
  nom,
  type Person,
  pastPlural,
  plural,
  prep,
} from './memoryRuGrammar.ts';
import {
  ACTIVITIES,
  ADJ,
  CITIES,
  DOMAINS,
  FEMALE,
  FIRMS,
  FOODS,
  GOVERNED,
  JOBS,
  MALE,
  MONTHS,
  OBJECTS,
  PROJECTS,
  REL_F,
  REL_M,
  ROOTS,
  STREETS,
  SURNAMES,
  THINGS,
  TOPIC_HEADS,
  TOPIC_TAILS,
  VENUES,
  VERBS,
  WEEKDAYS,
} from './memoryRuWords.ts';

const person = (r: Rand, male = chance(r, 0.5)): Person => ({
  first: pick(r, male ? MALE : FEMALE),
  last: pick(r, SURNAMES),
  male,
});
/** A relation and a person of the matching gender («сестра Ольга»). */
function relative(r: Rand): { rel: string; p: Person } {
  const male = chance(r, 0.5);
  return { rel: pick(r, male ? REL_M : REL_F), p: person(r, male) };
}
const org = (r: Rand) => ({ type: pick(r, FIRMS), name: `«${pick(r, ROOTS)}»` });
const venue = (r: Rand) => ({ type: pick(r, VENUES), name: `«${pick(r, ROOTS)}»` });
const topic = (r: Rand) => `${pick(r, TOPIC_HEADS)} ${pick(r, TOPIC_TAILS)}`;
const year = (r: Rand) => int(r, 2018, 2027);
function date(r: Rand): string {
  const day = int(r, 1, 28);
  const m = int(r, 0, 11);
  return oneOf(r, [
    () => `${day} ${MONTHS[m]} ${year(r)}`,
    () => `${day} ${MONTHS[m]}`,
    () => `${String(day).padStart(2, '0')}.${String(m + 1).padStart(2, '0')}.${year(r)}`,
  ]);
}
const money = (r: Rand) => `${int(r, 150, 95000)} ${pick(r, ['₽', 'руб.', 'рублей', 'EUR', '$'], 1)}`;
const phone = (r: Rand) => `+7 9${int(r, 10, 99)} ${int(r, 100, 999)}-${int(r, 10, 99)}-${int(r, 10, 99)}`;
/** An adjective and a noun, agreeing, in the nominative or accusative. */
const adjNoun = (r: Rand, noun: string, c: 'nom' | 'acc') => `${agree(pick(r, ADJ), genderOf(noun), c)} ${d(noun, c)}`;

type Maker = (r: Rand) => Omit<Generated, 'lang'>;

const contact: Maker = (r) => {
  const { rel, p } = relative(r);
  const extra = oneOf(r, [
    () => '',
    () => `, лучше писать в ${pick(r, ['Telegram', 'WhatsApp', 'VK'])}`,
    () => `, звонить после ${int(r, 17, 21)}:00`,
  ]);
  return {
    kind: 'fact',
    importance: 0.5,
    ...variant(r, [
      () => [
        `Телефон ${fullName(p, 'gen')}: ${phone(r)}${extra}.`,
        [`как связаться ${prep('с', fullName(p, 'ins'))}`, `${firstName(p, 'nom')} ${lastName(p, 'nom')} телефон`],
      ],
      () => [
        `Номер ${d(rel, 'gen', true)} ${firstName(p, 'gen')} — ${phone(r)}${extra}.`,
        [`как позвонить ${d(rel, 'dat', true)} ${firstName(p, 'dat')}`, `телефон ${d(rel, 'gen', true)}`],
      ],
    ]),
  };
};

const works: Maker = (r) => {
  const { rel, p } = relative(r);
  const o = org(r);
  const city = pick(r, CITIES);
  const job = pick(r, JOBS);
  const since = chance(r, 0.5) ? ` с ${year(r)} года` : '';
  const asks = [
    `где работает ${nom(rel)} ${firstName(p, 'nom')}`,
    `кем работает ${fullName(p, 'nom')}`,
    `${firstName(p, 'nom')} ${nom(job)} ${nom(city)}`,
  ];
  return {
    kind: 'fact',
    importance: 0.4,
    ...variant(r, [
      () => [
        `${cap(nom(rel))} ${fullName(p, 'nom')} работает ${d(job, 'ins')} ${prep('в', d(o.type, 'prep'))} ${o.name} (${nom(city)})${since}.`,
        asks,
      ],
      () => [
        `${fullName(p, 'nom')} (${nom(rel)}) — ${nom(job)} ${prep('в', d(city, 'prep'))}, ${nom(o.type)} ${o.name}${since}.`,
        asks,
      ],
    ]),
  };
};

const bill: Maker = (r) => {
  const o = org(r);
  const what = pick(r, OBJECTS);
  const id = `${pick(r, ['№ ', '№', 'счёт-', 'INV-'])}${int(r, 100, 99999)}`;
  return {
    kind: 'fact',
    importance: 0.6,
    ...variant(r, [
      () => [
        `Счёт ${id} от ${d(o.type, 'gen')} ${o.name} за ${d(what, 'acc')}: ${money(r)}, оплатить до ${date(r)}.`,
        [
          `сколько платить ${o.name} за ${d(what, 'acc')}`,
          `когда оплатить счёт ${o.name}`,
          `счёт за ${d(what, 'acc')} от ${d(o.type, 'gen')}`,
        ],
      ],
    ]),
  };
};

const warranty: Maker = (r) => {
  const thing = pick(r, THINGS);
  const o = org(r);
  const where = pick(r, ['синей папке', 'верхнем ящике', 'почте', 'коробке на антресоли', 'Google Диске', 'бардачке']);
  return {
    kind: 'fact',
    importance: 0.4,
    ...variant(r, [
      () => [
        `Гарантия на ${adjNoun(r, thing, 'acc')} из ${d(o.type, 'gen')} ${o.name} действует до ${date(r)}; чек лежит в ${where}.`,
        [`до какого числа гарантия на ${d(thing, 'acc')}`, `где чек на ${d(thing, 'acc')} из ${o.name}`],
      ],
    ]),
  };
};

const address: Maker = (r) => {
  const p = person(r);
  const city = pick(r, CITIES);
  const flat = chance(r, 0.6) ? `, кв. ${int(r, 1, 300)}` : '';
  const code = chance(r, 0.3) ? `, код домофона ${int(r, 100, 9999)}` : '';
  return {
    kind: 'fact',
    importance: 0.4,
    ...variant(r, [
      () => [
        `${fullName(p, 'nom')} живёт по адресу: ${nom(city)}, ул. ${pick(r, STREETS)}, д. ${int(r, 1, 150)}${flat}${code}.`,
        [`адрес ${fullName(p, 'gen')}`, `где живёт ${fullName(p, 'nom')}`],
      ],
    ]),
  };
};

const likes: Maker = (r) => {
  const [f1, f2, f3] = pickN(r, FOODS, 3) as [string, string, string];
  const when = pick(r, ['на завтрак', 'по выходным', 'после тренировки', 'на работе', 'в поездках', 'зимой']);
  const asks = [`что я люблю ${when}`, `ем ли я ${d(f3, 'acc')}`, `${nom(f1)} или ${nom(f3)}?`];
  return {
    kind: 'preference',
    importance: 0.5,
    ...variant(r, [
      () => [
        `Я люблю ${d(f1, 'acc')} ${when}, лучше ${prep('с', d(f2, 'ins'))}, но терпеть не могу ${d(f3, 'acc')}.`,
        asks,
      ],
      () => [`Не заказывать мне ${d(f3, 'acc')}: ${when} лучше ${nom(f1)} или ${nom(f2)}.`, asks],
    ]),
  };
};

const prefers: Maker = (r) => {
  const { rel, p } = relative(r);
  const [x, y] = pickN(r, ACTIVITIES, 2) as [string, string];
  return {
    kind: 'preference',
    importance: 0.45,
    ...variant(r, [
      () => [
        `${cap(nom(rel))} ${firstName(p, 'nom')} любит ${x}, но терпеть не может ${y}.`,
        [`что нравится ${d(rel, 'dat', true)} ${firstName(p, 'dat')}`, `любит ли ${firstName(p, 'nom')} ${y}`],
      ],
      () => [
        `${fullName(p, 'nom')} предпочитает ${x}; ${y} — никогда, не предлагать.`,
        [
          `что нравится ${firstName(p, 'dat')} ${lastName(p, 'dat')}`,
          `${firstName(p, 'nom')} ${lastName(p, 'nom')} ${y}`,
        ],
      ],
    ]),
  };
};

const todo: Maker = (r) => {
  const v = pick(r, VERBS);
  const obj = pick(r, OBJECTS);
  const p = person(r);
  const wd = pick(r, WEEKDAYS, 1);
  const when = chance(r, 0.5) ? `до ${d(wd, 'gen')}` : `до ${date(r)}`;
  const why = chance(r, 0.4) ? ` — ${firstName(p, 'dat')} это нужно для ${d(topic(r), 'gen')}` : '';
  return {
    kind: 'task',
    importance: 0.6,
    ...variant(r, [
      () => [
        `Не забыть ${v} ${adjNoun(r, obj, 'acc')} для ${fullName(p, 'gen')} ${when}${why}.`,
        [`что нужно ${v} для ${fullName(p, 'gen')}`, `срок: ${v} ${d(obj, 'acc')}`],
      ],
      () => [
        `Задача: ${v} ${d(obj, 'acc')} ${prep('к', d(wd, 'dat'))}${why}.`,
        [`когда ${v} ${d(obj, 'acc')}`, `${nom(obj)} ${nom(wd)} задача`],
      ],
      () => [
        `${cap(v)} ${d(obj, 'acc')} и отправить ${firstName(p, 'dat')} ${when}.`,
        [`что отправить ${firstName(p, 'dat')}`, `${nom(obj)} для ${firstName(p, 'gen')}`],
      ],
    ]),
  };
};

const projectTasks: Maker = (r) => {
  const proj = pick(r, PROJECTS);
  const objs = pickN(r, OBJECTS, int(r, 2, 4));
  const owner = person(r);
  const steps = objs.map((o) => `${pick(r, VERBS)} ${d(o, 'acc')}`).join(', ');
  return {
    kind: 'task',
    importance: 0.65,
    ...variant(r, [
      () => [
        `Проект «${proj}», отвечает ${fullName(owner, 'nom')}: ${steps} до ${date(r)}.`,
        [`задачи по проекту ${proj} у ${firstName(owner, 'gen')}`, `${proj} ${nom(objs[0] as string)} срок`],
      ],
    ]),
  };
};

const meeting: Maker = (r) => {
  const p = person(r);
  const t = topic(r);
  const v = venue(r);
  const city = pick(r, CITIES);
  const obj = pick(r, OBJECTS);
  const verb = pick(r, VERBS);
  return {
    kind: 'event',
    importance: 0.5,
    ...variant(r, [
      () => [
        `${date(r)} встретились ${prep('с', fullName(p, 'ins'))} ${prep('в', d(v.type, 'prep'))} ${v.name} (${nom(city)}), обсудили ${d(t, 'acc')}; договорились ${verb} ${d(obj, 'acc')} до ${date(r)}.`,
        [
          `когда я встречался ${prep('с', fullName(p, 'ins'))}`,
          `о чём договорились ${prep('с', firstName(p, 'ins'))} ${lastName(p, 'ins')}`,
        ],
      ],
      () => [
        `Созвон ${prep('с', fullName(p, 'ins'))} по поводу ${d(t, 'gen')}: они ${pastPlural(verb)} ${d(obj, 'acc')}, следующий шаг за мной.`,
        [
          `что решили ${prep('с', firstName(p, 'ins'))} насчёт ${d(t, 'gen')}`,
          `${lastName(p, 'nom')} ${nom(t)} созвон`,
        ],
      ],
      () => [
        `${cap(pick(r, WEEKDAYS, 1))}: обед ${prep('с', firstName(p, 'ins'))} ${prep('в', d(city, 'prep'))}, говорили про ${d(t, 'acc')} и ${d(topic(r), 'acc')}.`,
        [
          `с кем я обедал ${prep('в', d(city, 'prep'))}`,
          `когда говорили ${prep('с', firstName(p, 'ins'))} про ${d(t, 'acc')}`,
        ],
      ],
    ]),
  };
};

const occasion: Maker = (r) => {
  const { rel, p } = relative(r);
  const what = pick(r, ['День рождения', 'Годовщина свадьбы', 'Выпускной', 'Новоселье', 'Юбилей', 'Проводы на пенсию']);
  const v = venue(r);
  const gift = chance(r, 0.5) ? `; подарить ${adjNoun(r, pick(r, THINGS), 'acc')}` : '';
  return {
    kind: 'event',
    importance: 0.55,
    ...variant(r, [
      () => [
        `${what} у ${d(rel, 'gen', true)} ${firstName(p, 'gen')} — ${date(r)}, отмечаем ${prep('в', d(v.type, 'prep'))} ${v.name}${gift}.`,
        [`когда ${what.toLowerCase()} у ${firstName(p, 'gen')}`, `где отмечаем праздник ${d(rel, 'gen', true)}`],
      ],
    ]),
  };
};

const trip: Maker = (r) => {
  const [from, to] = pickN(r, CITIES, 2) as [string, string];
  const code = `${pick(r, ['SU', 'S7', 'U6', 'DP', 'UT', 'FV', 'TK', 'EK'])}${int(r, 10, 9999)}`;
  const nights = int(r, 1, 14);
  const time = `${int(r, 5, 23)}:${pick(r, ['05', '15', '30', '45', '50'])}`;
  return {
    kind: 'event',
    importance: 0.7,
    ...variant(r, [
      () => [
        `Рейс ${code} из ${d(from, 'gen')} ${prep('в', d(to, 'acc'))} вылетает ${date(r)} в ${time}, место ${int(r, 1, 40)}${pick(r, ['A', 'C', 'D', 'F'])}; гостиница «${pick(r, ROOTS)}» на ${nights} ${plural(nights, 'ночь', 'ночи', 'ночей')}.`,
        [
          `когда вылет из ${d(from, 'gen')} ${prep('в', d(to, 'acc'))}`,
          `какая гостиница ${prep('в', d(to, 'prep'))}`,
          `рейс ${nom(from)} ${nom(to)} место`,
        ],
      ],
    ]),
  };
};

const chunk: Maker = (r) => {
  const dom = pick(r, DOMAINS, 1);
  const n = () => pick(r, dom.nouns);
  const inf = () => pick(r, dom.verbs);
  const gov = () => pick(r, GOVERNED);
  const adj = (noun: string) => agree(pick(r, dom.adj), genderOf(noun), 'nom');
  const who = person(r);
  const [k1, k2] = pickN(r, dom.nouns, 2) as [string, string];
  const [v1, c1] = gov();
  const sentences = [
    () => `Перед тем как ${inf()} ${d(n(), 'acc')}, нужно ${inf()} ${d(n(), 'acc')}.`,
    () => `Если ${nom(n())} не работает, следует ${inf()} ${d(n(), 'acc')} и ${inf()} ${d(n(), 'acc')}.`,
    () => `Каждые ${int(r, 5, 20)} дней нужно ${inf()} ${d(n(), 'acc')}.`,
    () => {
      const [v, c] = gov();
      return `По словам ${fullName(who, 'gen')}, ${nom(n())} ${v} ${d(n(), c)} чаще, чем ${nom(n())}.`;
    },
    () => {
      const x = n();
      return `Раздел ${int(r, 1, 12)}.${int(r, 1, 9)} посвящён темам: ${nom(n())}, ${nom(n())} и ${adj(x)} ${nom(x)}.`;
    },
    () => `Никогда не ${inf()} ${d(n(), 'acc')} без ${d(n(), 'gen')}.`,
    () => `В ${year(r)} году мы ${pastPlural(inf())} ${d(n(), 'acc')} и сократили расходы на ${int(r, 5, 60)}%.`,
  ];
  const title = pick(r, dom.title, 1);
  const lead = `${cap(adj(k1))} ${nom(k1)} ${v1} ${d(k2, c1)}.`;
  return {
    kind: 'document_chunk',
    importance: 0.3,
    ...variant(r, [
      () => [
        `${title}, часть ${int(r, 1, 30)}. ${paragraph(lead, pickN(r, sentences, int(r, 1, 5), 1))}`,
        [`${nom(k1)} ${v1} ${d(k2, c1)}?`, `что сказано про ${d(k1, 'acc')} и ${d(k2, 'acc')}`],
      ],
    ]),
  };
};

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

export function russianMemory(r: Rand): Generated {
  let x = r() * TOTAL;
  for (const [make, w] of MAKERS) {
    x -= w;
    if (x < 0) return { ...make(r), lang: 'ru' };
  }
  return { ...chunk(r), lang: 'ru' };
}
