// Deterministic chat history for bench/chatSearch.bench.ts: conversations of Russian and English messages (user
// questions, longer assistant answers, JSON tool results) built from topic vocabularies with a skewed word choice, so
// common words match thousands of messages and rare ones a handful — like a real history.
import { mulberry32 } from '../tests/helpers/mulberry32.ts';

/** mulberry32: a small seeded PRNG, so every run inserts the same messages. */
export const prng = mulberry32;

interface Topic {
  ru: string[];
  en: string[];
}

// Words per topic, Russian in several inflected forms (the `simple` configuration does not stem).
const TOPICS: Topic[] = [
  {
    ru: 'договор договора договоре аренды аренда квартиры квартира арендодатель залог депозит подпись подписали срок продление расторжение пункт условия оплата коммунальные счетчики ключи собственник нотариус копия паспорт'.split(
      ' ',
    ),
    en: 'lease agreement contract tenant landlord deposit signature signed term renewal termination clause conditions payment utilities meter keys owner notary copy passport rent'.split(
      ' ',
    ),
  },
  {
    ru: 'отпуск поездка билеты самолет поезд гостиница бронирование виза маршрут Сочи Казань Калининград пляж горы экскурсия чемодан вылет прилет пересадка страховка'.split(
      ' ',
    ),
    en: 'vacation trip tickets flight train hotel booking visa itinerary Lisbon Porto Berlin beach mountains tour suitcase departure arrival layover insurance'.split(
      ' ',
    ),
  },
  {
    ru: 'код функция ошибка сборка тесты репозиторий ветка коммит сервер база запрос индекс миграция деплой логи конфигурация зависимости библиотека компилятор производительность'.split(
      ' ',
    ),
    en: 'code function error build tests repository branch commit server database query index migration deploy logs configuration dependencies library compiler performance'.split(
      ' ',
    ),
  },
  {
    ru: 'рецепт ужин завтрак суп борщ пирог тесто мука сахар соль масло духовка сковорода минут градусов овощи картошка курица рыба специи'.split(
      ' ',
    ),
    en: 'recipe dinner breakfast soup pie dough flour sugar salt butter oven pan minutes degrees vegetables potatoes chicken fish spices sauce'.split(
      ' ',
    ),
  },
  {
    ru: 'врач анализы давление температура таблетки рецепт запись поликлиника стоматолог прививка симптомы кашель аллергия витамины сон тренировка бег зал'.split(
      ' ',
    ),
    en: 'doctor tests pressure temperature pills prescription appointment clinic dentist vaccine symptoms cough allergy vitamins sleep workout running gym'.split(
      ' ',
    ),
  },
  {
    ru: 'бюджет расходы доходы зарплата налог декларация вычет кредит ипотека процент вклад банк карта перевод счет квитанция страховка пенсия инвестиции'.split(
      ' ',
    ),
    en: 'budget expenses income salary tax return deduction loan mortgage interest savings bank card transfer invoice receipt insurance pension investments'.split(
      ' ',
    ),
  },
  {
    ru: 'презентация отчет встреча совещание дедлайн проект задача клиент письмо созвон таблица документ черновик правки согласование релиз квартал'.split(
      ' ',
    ),
    en: 'presentation report meeting standup deadline project task client email call spreadsheet document draft edits approval release quarter roadmap'.split(
      ' ',
    ),
  },
  {
    ru: 'ремонт плитка обои краска электрик сантехник кухня ванная шкаф диван доставка сборка гарантия чек магазин смета материалы'.split(
      ' ',
    ),
    en: 'renovation tiles wallpaper paint electrician plumber kitchen bathroom wardrobe sofa delivery assembly warranty receipt store estimate materials'.split(
      ' ',
    ),
  },
];

const RU_GLUE =
  'я мы ты вы он она это как что где когда почему нужно можно надо уже еще только тоже очень потом сейчас завтра вчера'.split(
    ' ',
  );
const EN_GLUE =
  'I we you it this that how what where when why need can should already still only also very then now tomorrow yesterday'.split(
    ' ',
  );
const RU_STARTS = ['Подскажи', 'Напомни', 'Найди', 'Сравни', 'Объясни', 'Проверь', 'Составь', 'Посмотри'];
const EN_STARTS = ['Remind me', 'Find', 'Compare', 'Explain', 'Check', 'Draft', 'Summarize', 'Look up'];
const NAMES = ['Anna', 'Boris', 'Chen', 'Dana', 'Erik', 'Fatima', 'Глеб', 'Карина', 'Лев', 'Мария', 'Олег', 'Julia'];

/** Skewed choice: early words of a list come up far more often than late ones. */
const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(xs.length * r() ** 2)] as T;

function words(r: () => number, topic: Topic, ru: boolean, n: number): string {
  const vocab = ru ? topic.ru : topic.en;
  const glue = ru ? RU_GLUE : EN_GLUE;
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(r() < 0.55 ? pick(r, vocab) : pick(r, glue));
  // A unique-ish token now and then: a number, a name, a file — what people search for by memory.
  if (r() < 0.3) out.push(`#${Math.floor(r() * 100000)}`);
  if (r() < 0.2) out.push(pick(r, NAMES));
  if (r() < 0.1) out.push(`${pick(r, vocab)}-${Math.floor(r() * 1000)}.pdf`);
  return out.join(' ');
}

export interface BenchMessage {
  role: 'user' | 'assistant' | 'tool';
  content: string;
}

/** The `i`th message of a conversation on `topic` (0 = user, then assistant or a tool result). */
export function message(r: () => number, topic: Topic, ru: boolean, i: number): BenchMessage {
  if (i % 2 === 0) {
    const start = pick(r, ru ? RU_STARTS : EN_STARTS);
    return { role: 'user', content: `${start} ${words(r, topic, ru, 4 + Math.floor(r() * 20))}?` };
  }
  if (r() < 0.15) {
    const items = Array.from({ length: 2 + Math.floor(r() * 6) }, () => ({
      name: `${pick(r, ru ? topic.ru : topic.en)}_${Math.floor(r() * 100)}.txt`,
      text: words(r, topic, ru, 6 + Math.floor(r() * 10)),
    }));
    return { role: 'tool', content: JSON.stringify({ results: items }) };
  }
  const sentences = Array.from(
    { length: 3 + Math.floor(r() * 10) },
    () => `${words(r, topic, ru, 6 + Math.floor(r() * 14))}.`,
  );
  return { role: 'assistant', content: sentences.join(' ') };
}

/** Conversations of 10–90 messages, each mostly in one language, until `total` messages. */
export function* history(total: number, seed = 42): Generator<{ title: string; messages: BenchMessage[] }> {
  const r = prng(seed);
  let made = 0;
  while (made < total) {
    const topic = TOPICS[Math.floor(r() * TOPICS.length)] as Topic;
    const ru = r() < 0.55;
    const n = Math.min(total - made, 10 + Math.floor(r() * 80));
    const messages = Array.from({ length: n }, (_, i) => message(r, topic, r() < 0.9 ? ru : !ru, i));
    made += n;
    yield { title: words(r, topic, ru, 3), messages };
  }
}

/** Words typed in searches: common and rare words of every topic, both languages. */
export function searchWords(): string[] {
  const out: string[] = [];
  for (const t of TOPICS) {
    for (const list of [t.ru, t.en]) {
      for (const i of [0, 3, Math.floor(list.length / 2), list.length - 1]) {
        const w = list[i];
        if (w && w.length >= 4) out.push(w.toLowerCase());
      }
    }
  }
  return out;
}

/** What a search box sends while a word is typed: every prefix from two letters up to the whole word. */
export function typedPrefixes(word: string): string[] {
  return Array.from({ length: word.length - 1 }, (_, i) => word.slice(0, i + 2));
}
