// Shared by the page, its worker and the server (plain ES module, no dependencies).

/** Providers the app knows, and what their keys look like (a loose check; the provider decides). */
export const PROVIDERS = Object.freeze({
  openai: { name: 'OpenAI', example: 'sk-proj-…' },
  anthropic: { name: 'Anthropic', example: 'sk-ant-…' },
  mistral: { name: 'Mistral', example: '32 characters' },
})

/** An API key the page accepts: 8–256 printable ASCII characters, no spaces. */
export const API_KEY = /^[\x21-\x7e]{8,256}$/

/**
 * The masked label stored beside an envelope: the key's leading `word-` (if any, at most 8
 * letters) and its last four characters, for example `sk-…abcd`. Four characters of a 40+
 * character key leave no useful search space; they are what provider dashboards show too.
 */
export function maskKey(apiKey) {
  const prefix = /^[A-Za-z]{1,8}-/.exec(apiKey)?.[0] ?? ''
  return `${prefix}…${apiKey.slice(-4)}`
}

/** What a well-formed label looks like (the server checks it, and that it matches the key). */
export const LABEL = /^(?:[A-Za-z]{1,8}-)?…[\x21-\x7e]{4}$/

/** The context every envelope is bound to: a row copied to another user or provider never opens. */
export const contextFor = (userId, provider) => `user:${userId}/${provider}`

/** Sign-in names: what the server accepts. */
export const USER_NAME = /^[a-z0-9][a-z0-9._-]{1,31}$/
