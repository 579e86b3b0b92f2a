// A simulated language model (no network): the reply to a message, streamed word by word.
import { simulateReadableStream } from 'ai'
import { MockLanguageModelV4 } from 'ai/test'

const WORDS = 40
const DELAY_MS = Number(process.env.MODEL_DELAY_MS ?? 120)

/** The exact text the model replies to `prompt` (the e2e test compares against it). */
export function replyTo(prompt: string) {
  const words = Array.from({ length: WORDS }, (_, i) => `w${i + 1}`)
  return `You said "${prompt}". ${words.join(' ')}.`
}

export function simulatedModel(prompt: string) {
  const tokens = replyTo(prompt).split(/(?<= )/)
  return new MockLanguageModelV4({
    doStream: async () => ({
      stream: simulateReadableStream({
        chunkDelayInMs: DELAY_MS,
        chunks: [
          { type: 'text-start', id: 'text-1' },
          ...tokens.map((delta) => ({ type: 'text-delta' as const, id: 'text-1', delta })),
          { type: 'text-end', id: 'text-1' },
          {
            type: 'finish',
            finishReason: { unified: 'stop', raw: undefined },
            usage: {
              inputTokens: { total: 1, noCache: 1, cacheRead: undefined, cacheWrite: undefined },
              outputTokens: { total: tokens.length, text: tokens.length, reasoning: undefined },
            },
          },
        ],
      }),
    }),
  })
}
