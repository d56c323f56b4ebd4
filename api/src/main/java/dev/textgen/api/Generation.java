package dev.textgen.api;

import dev.textgen.api.config.GenerationConfig;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * One generation of a {@link TextGenerator}, advanced one model step at a time by its caller: every
 * {@link #step()} feeds the session exactly one symbol, the next prompt symbol while {@link #prompting()}, then
 * the symbol it has just drawn. {@link GenerationBatch} calls {@code step()} on each of many generations and then
 * advances all their rows together; {@link TextGenerator#generate} drives one on its own session. The
 * text is the same either way: it depends only on the generator's config, the prompt and the distributions.
 *
 * <p>The prompt is checked and given to the sampler's history when the generation is created; the session is
 * first touched by {@code step()}. Not thread-safe.
 */
public final class Generation implements AutoCloseable {
    private final Sampler sampler;
    private final RandomGenerator random;
    private final Vocabulary vocabulary;
    private final GenerationConfig config;
    private final int[] prompt;
    private final float[] probabilities;
    private final Session session;
    private final StringBuilder tail = new StringBuilder();
    private final int longestStop;
    private int prompted;
    private int remaining;
    private int lastId = -1;
    private String stop;

    Generation(Sampler sampler, RandomGenerator random, Vocabulary vocabulary, GenerationConfig config, int[] prompt,
               int length, Supplier<Session> sessions) {
        if (length < 0) {
            throw new IllegalArgumentException("length must be >= 0, got " + length);
        }
        this.sampler = sampler;
        this.random = random;
        this.vocabulary = vocabulary;
        this.config = config;
        this.prompt = prompt;
        this.probabilities = new float[vocabulary.size()];
        this.remaining = length;
        this.longestStop = config.stop().stream().mapToInt(String::length).max().orElse(0);
        sampler.reset();
        for (int id : prompt) {
            sampler.observe(id);
        }
        this.session = length == 0 ? null : Objects.requireNonNull(sessions.get(), "session");
    }

    /**
     * Whether prompt symbols remain to be fed before the first draw.
     *
     * @return true while {@link #step()} feeds the prompt
     */
    public boolean prompting() {
        return prompted < prompt.length;
    }

    /**
     * Whether the generation has ended: its length reached or a stop sequence generated.
     *
     * @return true once no {@link #step()} is left
     */
    public boolean finished() {
        return remaining == 0 || stop != null;
    }

    /**
     * Feeds the next prompt symbol and returns null, or draws the next symbol from the session's distribution,
     * feeds it (unless that ended the generation) and returns it as a string.
     *
     * @return the symbol drawn, or null for a prompt symbol fed
     * @throws IllegalStateException when the generation has finished
     */
    public String step() {
        if (finished()) {
            throw new IllegalStateException("the generation has finished");
        }
        if (prompting()) {
            session.feed(prompt[prompted++]);
            return null;
        }
        session.probabilities(probabilities);
        int id = sampler.sample(probabilities, random);
        sampler.observe(id);
        lastId = id;
        remaining--;
        String chunk = Character.toString(vocabulary.codePoint(id));
        stop = matchedStop(chunk);
        if (!finished()) {
            session.feed(id);
        }
        return chunk;
    }

    /**
     * The id of the last symbol drawn.
     *
     * @return the id, or -1 before the first draw
     */
    public int lastId() {
        return lastId;
    }

    /**
     * Copies the distribution the last symbol was drawn from (the model's, before the sampler) into {@code out}.
     *
     * @param out receives one probability per symbol of the vocabulary
     * @return {@code out}
     * @throws IllegalStateException before the first draw
     */
    public float[] lastProbabilities(float[] out) {
        if (lastId < 0) {
            throw new IllegalStateException("no symbol drawn yet");
        }
        System.arraycopy(probabilities, 0, out, 0, probabilities.length);
        return out;
    }

    /**
     * The stop sequence that ended the generation (the text ends with it), if one did.
     *
     * @return the stop sequence, or empty
     */
    public Optional<String> stopSequence() {
        return Optional.ofNullable(stop);
    }

    /** Closes the session. */
    @Override
    public void close() {
        if (session != null) {
            session.close();
        }
    }

    private String matchedStop(String chunk) {
        if (longestStop == 0) {
            return null;
        }
        tail.append(chunk);
        if (tail.length() > 2 * longestStop) {
            tail.delete(0, tail.length() - longestStop);
        }
        for (String candidate : config.stop()) {
            int start = tail.length() - candidate.length();
            if (start >= 0 && tail.indexOf(candidate, start) == start) {
                return candidate;
            }
        }
        return null;
    }
}
