package dev.textgen.api;

import dev.textgen.api.config.GenerationConfig;
import dev.textgen.api.io.ModelFile;
import dev.textgen.api.io.StoredModel;
import dev.textgen.api.spi.Backends;
import dev.textgen.api.spi.Samplers;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
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
 * config, with {@code generate(seedText, length)} and a streaming form.
 *
 * <p>The seed text is encoded with the {@code generation.unknownChars} policy; a seed shorter than the
 * model's maxlen is used as it is (no padding), a longer one by its last maxlen symbols, and an empty one
 * is replaced by the model's stored {@link LanguageModel#seedWindow() seed window}. Each step draws the
 * next symbol from the model's distribution, in context {@code window} from the last maxlen symbols read
 * from the zero state (the seed's way, through {@link LanguageModel#newWindowSession()}) or in context
 * {@code stateful} by carrying the LSTM state one symbol at a time ({@link LanguageModel#newSession()}). Generation ends after {@code length} symbols or right after a {@code generation.stop} sequence
 * appears in the generated text (the sequence is part of the output). Chunks are single symbols.
 *
 * <p>A scheduler that runs many generations as one batch (a server) drives each through
 * {@link #start(String, int, Session)}: the same prompt handling, sampler and random generator, one model step at a
 * time on rows it steps itself, so the text is the same as {@code generate}'s.
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

    /** Generation as the model's config says, with the installed samplers. */
    public TextGenerator(LanguageModel model) {
        this(model, model.config().generation());
    }

    /** Generation with {@code config}, with the installed samplers. */
    public TextGenerator(LanguageModel model, GenerationConfig config) {
        this(model, config, Samplers.installed());
    }

    /**
     * Generation with {@code config}, drawing samplers from {@code samplers}.
     *
     * @throws ConfigException             when the sampler's parameters are invalid, or the replacement
     *                                     character is not in the model's vocabulary
     * @throws BackendUnavailableException when the sampler type is unknown
     */
    public TextGenerator(LanguageModel model, GenerationConfig config, Samplers samplers) {
        this.model = Objects.requireNonNull(model, "model");
        this.config = Objects.requireNonNull(config, "config");
        this.samplers = Objects.requireNonNull(samplers, "samplers");
        this.vectorizer = new Vectorizer(model.vocabulary());
        samplers.create(config.sampler()); // fails now, not at the first call, on a bad sampler config
        if (config.unknownChars() == UnknownChars.REPLACE && !model.vocabulary().contains(config.replacementCodePoint())) {
            throw ConfigException.invalid("generation.replacement", config.replacement(),
                    "a character of the model's " + model.vocabulary().size() + "-symbol vocabulary, such as \""
                            + Character.toString(model.vocabulary().codePoint(0)) + "\"");
        }
    }

    /**
     * The model in {@code modelFile}, on the backend its config names, with its generation config and
     * the installed backends and samplers.
     *
     * @throws ModelFileException          when the file is missing or invalid
     * @throws BackendUnavailableException when that backend or the config's sampler is not installed
     */
    public static TextGenerator load(Path modelFile) {
        return load(modelFile, null, Backends.installed(), Samplers.installed());
    }

    /** The model in {@code modelFile} on {@code backend} instead of the one its config names. */
    public static TextGenerator load(Path modelFile, String backend) {
        return load(modelFile, backend, Backends.installed(), Samplers.installed());
    }

    /**
     * The model in {@code modelFile} on {@code backend} (null: the one its config names), from the given
     * registries, for applications that register providers without service files.
     */
    public static TextGenerator load(Path modelFile, String backend, Backends backends, Samplers samplers) {
        StoredModel stored = ModelFile.read(modelFile);
        String name = backend != null ? backend : stored.config().model().backend();
        return new TextGenerator(backends.get(name).load(stored), stored.config().generation(), samplers);
    }

    /** This generator's model with another generation config. */
    public TextGenerator withConfig(GenerationConfig generation) {
        return new TextGenerator(model, generation, samplers);
    }

    public LanguageModel model() {
        return model;
    }

    public GenerationConfig config() {
        return config;
    }

    /** {@code generation.length} symbols (or fewer, at a stop sequence) after {@code seedText}. */
    public String generate(String seedText) {
        return generate(seedText, config.length());
    }

    /**
     * At most {@code length} symbols after {@code seedText}, fewer when a stop sequence ends them.
     *
     * @throws UnknownCharacterException when the seed has characters outside the vocabulary and the
     *                                   policy is {@code error} (or every character was skipped)
     * @throws TextgenException          when the seed is empty and the model stores no seed window
     */
    public String generate(String seedText, int length) {
        return generate(seedText, length, chunk -> {
        });
    }

    /** Like {@link #generate(String, int)}, handing each chunk to {@code onChunk} as soon as it is drawn. */
    public String generate(String seedText, int length, Consumer<? super String> onChunk) {
        Objects.requireNonNull(onChunk, "onChunk");
        StringBuilder text = new StringBuilder();
        try (Generation generation = start(seedText, length, this::newSession)) {
            new Chunks(generation).forEachRemaining(chunk -> {
                text.append(chunk);
                onChunk.accept(chunk);
            });
        }
        return text.toString();
    }

    /**
     * The chunks of {@link #generate(String, int)}, drawn lazily as the stream is consumed. The seed is
     * checked now; close the stream when abandoning it early (it may hold a backend session).
     */
    public Stream<String> stream(String seedText, int length) {
        Chunks chunks = new Chunks(start(seedText, length, this::newSession));
        Spliterator<String> spliterator = Spliterators.spliteratorUnknownSize(chunks,
                Spliterator.ORDERED | Spliterator.NONNULL);
        return StreamSupport.stream(spliterator, false).onClose(chunks.generation::close);
    }

    /**
     * A generation of at most {@code length} symbols after {@code seedText} on {@code session}, which the caller
     * owns and which must read this generator's model in its {@code generation.context} ({@link #newSession()}
     * or the same context on rows the caller steps itself); see {@link Generation} for how to drive it. The
     * seed text is checked now, with the same errors as {@link #generate(String, int)}.
     */
    public Generation start(String seedText, int length, Session session) {
        Objects.requireNonNull(session, "session");
        return start(seedText, length, () -> session);
    }

    /** A new session of this generator's model in its {@code generation.context}. */
    public Session newSession() {
        return GenerationConfig.STATEFUL.equals(config.context()) ? model.newSession() : model.newWindowSession();
    }

    /**
     * {@code text} as the model reads it: lowercased (in the root locale) when the model's corpus was, so that a
     * prompt typed in any case continues the way the training text read.
     */
    public String prompt(String text) {
        return model.config().corpus().lowercase() ? text.toLowerCase(Locale.ROOT) : text;
    }

    private Generation start(String seedText, int length, Supplier<Session> sessions) {
        return new Generation(samplers.create(config.sampler()), RANDOM.create(config.seed() != null ? config.seed()
                : ThreadLocalRandom.current().nextLong()), model.vocabulary(), config, seedIds(seedText), length, sessions);
    }

    private int[] seedIds(String seedText) {
        Objects.requireNonNull(seedText, "seedText");
        int[] ids;
        if (seedText.isEmpty()) {
            String window = model.seedWindow().orElseThrow(() -> new TextgenException("the seed text is empty and"
                    + " the model stores no seed window to start from; give a seed text"));
            ids = vectorizer.encode(window);
        } else {
            ids = vectorizer.encode(seedText, config.unknownChars(), config.replacementCodePoint());
            if (ids.length == 0) {
                throw new UnknownCharacterException("all " + seedText.codePointCount(0, seedText.length())
                        + " characters of the seed text are outside the model's vocabulary and were skipped; give a"
                        + " seed with some of its characters, or an empty seed to start from the stored seed window");
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
