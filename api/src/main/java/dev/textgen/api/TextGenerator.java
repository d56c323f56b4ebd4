package dev.textgen.api;

import dev.textgen.api.config.GenerationConfig;
import dev.textgen.api.io.ModelFile;
import dev.textgen.api.io.PretrainedModels;
import dev.textgen.api.io.StoredModel;
import dev.textgen.api.spi.Backend;
import dev.textgen.api.spi.Backends;
import dev.textgen.api.spi.Samplers;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * The facade for embedding generation: a model, its vectorizer and a sampler assembled from the
 * config, with {@code generate(prompt, length)} and a streaming form.
 *
 * <p>The prompt is first normalised the way the model's training text was (its config's
 * {@link dev.textgen.api.config.CorpusConfig#normalization() corpus normalisation}: NFC, lowercasing,
 * newlines), then encoded with the {@code generation.unknownChars} policy; a prompt shorter than the
 * model's maxlen is used as it is (no padding), a longer one by its last maxlen symbols, and an empty one
 * is replaced by the model's stored {@link LanguageModel#defaultPrompt() default prompt}. Each step draws
 * the next symbol from the model's distribution, in context {@code window} from the last maxlen symbols
 * read from the zero state (the reference notebook's way, through {@link LanguageModel#newWindowSession()})
 * or in context {@code stateful} by carrying the LSTM state one symbol at a time
 * ({@link LanguageModel#newSession()}). Generation ends after {@code length} symbols or right after a
 * {@code generation.stop} sequence appears in the generated text (the sequence is part of the output).
 * Chunks are single symbols.
 *
 * <p>{@link GenerationBatch} runs many generations of one model as one batch of rows (a server's scheduler, the
 * batched benchmark), each through {@link #start(String, int, Session)}: the same prompt handling, sampler and random
 * generator, one model step at a time on rows the batch steps itself, so the text is the same as {@code generate}'s.
 *
 * <p><b>Randomness and thread safety.</b> Every call draws from its own {@value #RANDOM_ALGORITHM}
 * generator seeded with {@code generation.seed} (a fresh random seed per call when it is null) and its
 * own sampler, so a generator is immutable and safe to share across threads, and the same seed gives the
 * same text on any thread, in any run.
 */
public final class TextGenerator {
    /** The {@link RandomGeneratorFactory} algorithm, chosen for its fixed, documented output per seed. */
    public static final String RANDOM_ALGORITHM = "L64X128MixRandom";

    private static final RandomGeneratorFactory<RandomGenerator> RANDOM = RandomGeneratorFactory.of(RANDOM_ALGORITHM);

    private final LanguageModel model;
    private final GenerationConfig config;
    private final Samplers samplers;
    private final Vectorizer vectorizer;
    private final TextNormalization normalization;

    /**
     * Generation as the model's config says, with the installed samplers.
     *
     * @param model the model to generate with
     */
    public TextGenerator(LanguageModel model) {
        this(model, model.config().generation());
    }

    /**
     * Generation with {@code config}, with the installed samplers.
     *
     * @param model the model to generate with
     * @param config the sampler, length, context and prompt settings
     */
    public TextGenerator(LanguageModel model, GenerationConfig config) {
        this(model, config, Samplers.installed());
    }

    /**
     * Generation with {@code config}, drawing samplers from {@code samplers}.
     *
     * @param model the model to generate with
     * @param config the sampler, length, context and prompt settings
     * @param samplers the registry the sampler type is looked up in
     * @throws ConfigException             when the sampler's parameters are invalid, or the replacement
     *                                     character is not in the model's vocabulary
     * @throws BackendUnavailableException when the sampler type is unknown
     */
    public TextGenerator(LanguageModel model, GenerationConfig config, Samplers samplers) {
        this.model = Objects.requireNonNull(model, "model");
        this.config = Objects.requireNonNull(config, "config");
        this.samplers = Objects.requireNonNull(samplers, "samplers");
        this.vectorizer = new Vectorizer(model.vocabulary());
        this.normalization = model.config().corpus().normalization();
        samplers.create(config.sampler()); // fails now, not at the first call, on a bad sampler config
        if (config.unknownChars() == UnknownChars.REPLACE && !model.vocabulary().contains(config.replacementCodePoint())) {
            throw ConfigException.invalid("generation.replacement", config.replacement(),
                    "a character of the model's " + model.vocabulary().size() + "-symbol vocabulary, such as \""
                            + Character.toString(model.vocabulary().codePoint(0)) + "\"");
        }
    }

    /**
     * The model in {@code modelFile} with its generation config and the installed samplers, on the backend
     * its config names when that one is installed, otherwise on another installed one (see
     * {@link Backends#forModel(String)}, which logs the substitution).
     *
     * @param modelFile a model or checkpoint file
     * @return a generator for the model
     * @throws ModelFileException          when the file is missing or invalid
     * @throws BackendUnavailableException when no backend is installed, or the config's sampler is not
     */
    public static TextGenerator load(Path modelFile) {
        return load(modelFile, null, Backends.installed(), Samplers.installed());
    }

    /**
     * The model in {@code modelFile} on {@code backend}, whichever its config names.
     *
     * @param modelFile a model or checkpoint file
     * @param backend the backend to run the model on, e.g. {@code scratch}
     * @return a generator for the model
     * @throws BackendUnavailableException when {@code backend} or the config's sampler is not installed
     */
    public static TextGenerator load(Path modelFile, String backend) {
        return load(modelFile, backend, Backends.installed(), Samplers.installed());
    }

    /**
     * The model in {@code modelFile} on {@code backend} (null: chosen as {@link #load(Path)} does), from the
     * given registries, for applications that register providers without service files.
     *
     * @param modelFile a model or checkpoint file
     * @param backend the backend to run the model on, or null
     * @param backends the registry the backend is looked up in
     * @param samplers the registry the sampler type is looked up in
     * @return a generator for the model
     */
    public static TextGenerator load(Path modelFile, String backend, Backends backends, Samplers samplers) {
        return load(ModelFile.read(modelFile), backend, backends, samplers);
    }

    /**
     * The pretrained model {@code name} (such as {@code "nietzsche"}, from the artifact
     * {@code dev.textgen:textgen-model-nietzsche}) found on the class path by {@link PretrainedModels}, with its
     * generation config and the installed backends and samplers, on the backend chosen as {@link #load(Path)} does.
     *
     * @param name a pretrained model's name, e.g. {@code nietzsche}
     * @return a generator for the model
     * @throws ModelFileException          when no model of that name is on the class path (the message lists
     *                                     the ones that are) or its file is invalid
     * @throws BackendUnavailableException when no backend or not the config's sampler is installed
     */
    public static TextGenerator pretrained(String name) {
        return load(PretrainedModels.read(name), null, Backends.installed(), Samplers.installed());
    }

    private static TextGenerator load(StoredModel stored, String backend, Backends backends, Samplers samplers) {
        Backend chosen = backend != null ? backends.get(backend) : backends.forModel(stored.config().model().backend());
        return new TextGenerator(chosen.load(stored), stored.config().generation(), samplers);
    }

    /**
     * This generator's model with another generation config.
     *
     * @param generation the sampler, length, context and prompt settings
     * @return a new generator; this one is unchanged
     */
    public TextGenerator withConfig(GenerationConfig generation) {
        return new TextGenerator(model, generation, samplers);
    }

    /**
     * The model this generator runs.
     *
     * @return the model
     */
    public LanguageModel model() {
        return model;
    }

    /**
     * The generation settings this generator uses.
     *
     * @return the config
     */
    public GenerationConfig config() {
        return config;
    }

    /**
     * {@code generation.length} symbols (or fewer, at a stop sequence) after {@code prompt}.
     *
     * @param prompt the text to continue, normalised here as the model's corpus was; empty for the model's default
     *               prompt
     * @return the generated text, without the prompt
     */
    public String generate(String prompt) {
        return generate(prompt, config.length());
    }

    /**
     * At most {@code length} symbols after {@code prompt}, fewer when a stop sequence ends them.
     *
     * @param prompt the text to continue, normalised here as the model's corpus was; empty for the model's default
     *               prompt
     * @param length the most symbols to generate, at least 0
     * @return the generated text, without the prompt
     * @throws UnknownCharacterException when the normalised prompt has characters outside the vocabulary and
     *                                   the policy is {@code error} (or every character was skipped)
     * @throws TextgenException          when the prompt is empty and the model stores no default prompt
     */
    public String generate(String prompt, int length) {
        return generate(prompt, length, chunk -> {
        });
    }

    /**
     * Like {@link #generate(String, int)}, handing each chunk to {@code onChunk} as soon as it is drawn.
     *
     * @param prompt the text to continue, normalised here as the model's corpus was; empty for the model's default
     *               prompt
     * @param length the most symbols to generate, at least 0
     * @param onChunk receives each chunk on the calling thread
     * @return the generated text, without the prompt
     */
    public String generate(String prompt, int length, Consumer<? super String> onChunk) {
        Objects.requireNonNull(onChunk, "onChunk");
        StringBuilder text = new StringBuilder();
        try (Generation generation = start(prompt, length, this::newSession)) {
            new Chunks(generation).forEachRemaining(chunk -> {
                text.append(chunk);
                onChunk.accept(chunk);
            });
        }
        return text.toString();
    }

    /**
     * The chunks of {@link #generate(String, int)}, drawn lazily as the stream is consumed. The prompt is
     * checked now; close the stream when abandoning it early (it may hold a backend session).
     *
     * @param prompt the text to continue, normalised here as the model's corpus was; empty for the model's default
     *               prompt
     * @param length the most symbols to generate, at least 0
     * @return the chunks in order; their concatenation is the generated text, without the prompt
     */
    public Stream<String> stream(String prompt, int length) {
        Chunks chunks = new Chunks(start(prompt, length, this::newSession));
        Spliterator<String> spliterator = Spliterators.spliteratorUnknownSize(chunks,
                Spliterator.ORDERED | Spliterator.NONNULL);
        return StreamSupport.stream(spliterator, false).onClose(chunks.generation::close);
    }

    /**
     * A generation of at most {@code length} symbols after {@code prompt} on {@code session}, which the caller
     * owns and which must read this generator's model in its {@code generation.context} ({@link #newSession()}
     * or the same context on rows the caller steps itself); see {@link Generation} for how to drive it. The
     * prompt is normalised and checked now, with the same errors as {@link #generate(String, int)}.
     *
     * @param prompt  the text to continue, normalised here as the model's corpus was; empty for the model's default
     *                prompt
     * @param length  the most symbols to generate, at least 0
     * @param session the session the generation feeds and reads
     * @return the generation, its prompt not yet fed
     */
    public Generation start(String prompt, int length, Session session) {
        Objects.requireNonNull(session, "session");
        return start(prompt, length, () -> session);
    }

    /**
     * A new session of this generator's model in its {@code generation.context}.
     *
     * @return the session, owned by the caller
     */
    public Session newSession() {
        return config.context() == GenerationConfig.Context.STATEFUL ? model.newSession() : model.newWindowSession();
    }

    private Generation start(String prompt, int length, Supplier<Session> sessions) {
        return new Generation(samplers.create(config.sampler()), RANDOM.create(config.seed() != null ? config.seed()
                : ThreadLocalRandom.current().nextLong()), model.vocabulary(), config, promptIds(prompt), length, sessions);
    }

    /** The prompt's ids, normalised and encoded, its last maxlen symbols; the default prompt's when it is empty. */
    private int[] promptIds(String prompt) {
        Objects.requireNonNull(prompt, "prompt");
        int[] ids;
        if (prompt.isEmpty()) {
            String window = model.defaultPrompt().orElseThrow(() -> new TextgenException("the prompt is empty and"
                    + " the model stores no default prompt to start from; give a prompt"));
            ids = vectorizer.encode(window);
        } else {
            String normalized = normalization.apply(prompt);
            ids = vectorizer.encode(normalized, config.unknownChars(), config.replacementCodePoint());
            if (ids.length == 0) {
                throw new UnknownCharacterException("all " + normalized.codePointCount(0, normalized.length())
                        + " characters of the prompt are outside the model's vocabulary and were skipped; give a"
                        + " prompt with some of its characters, or an empty prompt to start from the model's default prompt");
            }
        }
        return Arrays.copyOfRange(ids, Math.max(0, ids.length - model.maxlen()), ids.length);
    }

    /** A generation on its own session, as an iterator of chunks: the prompt is fed when it is created. */
    private static final class Chunks implements Iterator<String> {
        private final Generation generation;

        Chunks(Generation generation) {
            this.generation = generation;
            while (!generation.finished() && generation.prompting()) {
                generation.step();
            }
        }

        @Override
        public boolean hasNext() {
            return !generation.finished();
        }

        @Override
        public String next() {
            if (!hasNext()) {
                throw new NoSuchElementException("the generation has ended");
            }
            String chunk = generation.step();
            if (generation.finished()) {
                generation.close();
            }
            return chunk;
        }
    }
}
