/**
 * A compact English sentiment lexicon for customer messages, weights from −4 (hostile) to +3
 * (delighted), in the spirit of AFINN. Hand-picked for what support and billing requests actually
 * say; inflections are listed rather than stemmed so "disappointing" and "disappointed" both count.
 */
const ENTRIES: readonly (readonly [weight: number, words: string])[] = [
  [
    -4,
    "furious outraged outrageous disgusting disgusted scam scammed scammers fraud fraudulent thieves " +
      "criminal hate hateful worst pathetic livid appalling appalled",
  ],
  [
    -3,
    "angry terrible awful horrible unacceptable ridiculous useless incompetent disgrace disgraceful " +
      "rip ripped ripoff liar liars lied lying shameful shocking shocked nightmare dreadful infuriating " +
      "infuriated fuming sick insulting insulted rude abysmal",
  ],
  [
    -2,
    "bad poor disappointed disappointing disappointment frustrated frustrating frustration upset annoyed " +
      "annoying unhappy wrong broken fail failed failing failure ignored ignoring mess worse waste wasted " +
      "complaint complain complaining problem problems lost missing stolen overcharged refused " +
      "unfair unreliable slow confused confusing worried worry anxious stressed stressful " +
      "damaged faulty defective misleading hopeless",
  ],
  [
    -1,
    "issue issues error errors delay delayed late still again unfortunately inconvenience " +
      "difficult trouble concerned concern unclear doubt strange odd hassle tired",
  ],
  [1, "ok okay fine fair resolved works working fixed quick clear sure welcome interested hopeful"],
  [
    2,
    "good nice thanks thank thankful grateful appreciate appreciated helpful happy glad pleased " +
      "satisfied easy great smooth friendly kind polite efficient fast reliable recommend lovely",
  ],
  [
    3,
    "excellent amazing wonderful fantastic awesome love loved brilliant perfect delighted superb " +
      "outstanding impressed exceptional",
  ],
];

/** Word → weight. */
export const SENTIMENT_LEXICON: ReadonlyMap<string, number> = new Map(
  ENTRIES.flatMap(([weight, words]) => words.split(" ").map((word) => [word, weight] as const)),
);

/** Words that flip the polarity of what follows them in the same clause. */
export const NEGATORS: ReadonlySet<string> = new Set(
  (
    "not no never none nobody nothing neither nor without cannot cant dont doesnt didnt isnt wasnt " +
    "arent werent wont wouldnt couldnt shouldnt havent hasnt hadnt aint"
  ).split(" "),
);

/** Words that strengthen the next sentiment word. */
export const INTENSIFIERS: ReadonlySet<string> = new Set(
  "very really extremely so totally absolutely completely incredibly utterly super truly deeply highly".split(
    " ",
  ),
);
