/**
 * A word with its indefinite article, chosen by its first letter: the roles and kinds that messages
 * name are all plain English words, so no exceptions list is needed.
 *
 * @example
 * withArticle("owner"); // "an owner"
 * withArticle("reviewer"); // "a reviewer"
 */
export function withArticle(word: string): string {
  return `${/^[aeiou]/i.test(word) ? "an" : "a"} ${word}`;
}
