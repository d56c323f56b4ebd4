package dev.textgen.server;

import dev.textgen.api.config.GenerationConfig;
import dev.textgen.api.config.SamplerConfig;

import java.util.List;

/**
 * A completion or chat request after its fields were checked: what to generate, from which prompts, with which
 * sampler. {@code seed} is the first choice's; choice {@code k} of the response uses {@code seed + k}.
 *
 * @param chat         whether it came to {@code /v1/chat/completions}
 * @param model        the model's name
 * @param prompts      the prompts (one for chat): each gives {@code n} choices
 * @param maxTokens    the most characters per choice
 * @param n            choices per prompt
 * @param sampler      the sampler built from temperature, top_p, top_k, min_p and repetition_penalty
 * @param stop         stop sequences, excluded from the text
 * @param stream       whether to answer with server-sent events
 * @param includeUsage whether a streamed response ends with a usage chunk ({@code stream_options.include_usage})
 * @param seed         the random seed of the first choice
 * @param logprobs     how many most likely characters to report per position, or null for none
 * @param context      {@code stateful} or {@code window}
 */
record GenerationRequest(boolean chat, String model, List<String> prompts, int maxTokens, int n, SamplerConfig sampler,
                         List<String> stop, boolean stream, boolean includeUsage, long seed, Integer logprobs,
                         GenerationConfig.Context context) {

    /** The generation config of choice {@code k}, over the model's own for the settings a request cannot change. */
    GenerationConfig generation(GenerationConfig model, int k) {
        return model.withSampler(sampler).withLength(maxTokens).withContext(context).withSeed(seed + k).withStop(stop);
    }
}
