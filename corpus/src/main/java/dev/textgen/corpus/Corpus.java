package dev.textgen.corpus;

import dev.textgen.api.ConfigException;
import dev.textgen.api.CorpusException;
import dev.textgen.api.Vocabulary;
import dev.textgen.api.config.CorpusConfig;
import dev.textgen.api.data.WindowSet;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * A normalised text as one compact id array, its vocabulary, and the training and validation windows cut
 * from it exactly as the reference notebook does: starts {@code 0, step, 2*step, ...} while {@code start + maxlen} is
 * inside the part. With a validation fraction {@code f}, the text splits at {@code floor(n * (1 - f))};
 * training windows come from the first part and validation windows start at the cut, so no window crosses
 * it. The vocabulary covers the whole text. Every fault is found here, before any training starts.
 *
 * <p>Immutable and safe to read from several threads.
 */
public final class Corpus {
    private final String name;
    private final Vocabulary vocabulary;
    private final SymbolArray ids;
    private final int maxlen;
    private final int cut;
    private final Windows train;
    private final WindowSet validation;

    private Corpus(String name, Vocabulary vocabulary, SymbolArray ids, CorpusConfig config) {
        this.name = name;
        this.vocabulary = vocabulary;
        this.ids = ids;
        this.maxlen = config.maxlen();
        int n = ids.length();
        if (n < maxlen + 1) {
            throw new CorpusException(String.format(Locale.ROOT,
                    "%s has %,d symbols, fewer than corpus.maxlen + 1 = %,d needed for one window; use a longer text"
                            + " or a smaller corpus.maxlen", name, n, maxlen + 1));
        }
        double fraction = config.validationFraction();
        this.cut = (int) Math.floor(n * (1 - fraction));
        this.train = Windows.between(ids, 0, cut, maxlen, config.step(), vocabulary.size());
        if (train.size() == 0) {
            throw ConfigException.invalid("corpus.validationFraction", fraction, String.format(Locale.ROOT,
                    "a fraction that leaves at least corpus.maxlen + 1 = %,d of the %,d symbols of %s for training",
                    maxlen + 1, n, name));
        }
        if (fraction == 0) {
            this.validation = WindowSet.empty(maxlen, vocabulary.size());
        } else {
            this.validation = Windows.between(ids, cut, n, maxlen, config.step(), vocabulary.size());
            if (validation.size() == 0) {
                throw ConfigException.invalid("corpus.validationFraction", fraction, String.format(Locale.ROOT,
                        "0, or a fraction whose held-out part (here %,d of %,d symbols of %s) has at least"
                                + " corpus.maxlen + 1 = %,d symbols, i.e. at least %.6f",
                        n - cut, n, name, maxlen + 1, (maxlen + 1.0) / n));
            }
        }
    }

    /**
     * Resolves {@code config.source()} (downloading into the cache if needed), reads and cuts it.
     *
     * @param config the corpus settings: source, normalisation and windows
     * @return the corpus, with a vocabulary of the symbols of its text
     * @throws CorpusException when the text cannot be found, read or used (each fault names the source)
     */
    public static Corpus load(CorpusConfig config) {
        return load(CorpusSource.resolve(config), config, null);
    }

    /**
     * Like {@link #load(CorpusConfig)}, but ids come from {@code vocabulary} (a model's); characters outside it
     * are an error listing them.
     *
     * @param config     the corpus settings: source, normalisation and windows
     * @param vocabulary the vocabulary whose ids the corpus uses
     * @return the corpus, with {@code vocabulary}
     * @throws CorpusException when the text cannot be found, read or used, or has characters outside the vocabulary
     */
    public static Corpus load(CorpusConfig config, Vocabulary vocabulary) {
        return load(CorpusSource.resolve(config), config, Objects.requireNonNull(vocabulary, "vocabulary"));
    }

    /**
     * Reads an already resolved source.
     *
     * @param source     where the bytes come from ({@code config.source()} is not resolved again)
     * @param config     the corpus settings: normalisation and windows
     * @param vocabulary the vocabulary whose ids the corpus uses, or null to build one from the text
     * @return the corpus
     * @throws CorpusException when the text cannot be read or used
     */
    public static Corpus load(CorpusSource source, CorpusConfig config, Vocabulary vocabulary) {
        return load(source, config, vocabulary, SymbolArray.MAX_SYMBOLS);
    }

    static Corpus load(CorpusSource source, CorpusConfig config, Vocabulary vocabulary, int maxSymbols) {
        SymbolEncoder encoder = encoder(source.name(), source.sizeHint(), maxSymbols, config, vocabulary);
        try (InputStream in = source.open()) {
            TextReader.decode(in, source.name(), config, encoder);
        } catch (IOException e) {
            throw new CorpusException("corpus.source: cannot read " + source.name() + ": " + e.getMessage(), e);
        }
        return new Corpus(source.name(), encoder.finish(), encoder.ids.build(), config);
    }

    /**
     * A corpus of text already in memory, normalised like a file.
     *
     * @param text   the text
     * @param config the corpus settings; its {@code source} is only a label here
     * @return the corpus, with a vocabulary of the symbols of {@code text}
     */
    public static Corpus fromText(String text, CorpusConfig config) {
        return fromText(text, config, null);
    }

    /**
     * Like {@link #fromText(String, CorpusConfig)} with ids from a given vocabulary.
     *
     * @param text       the text
     * @param config     the corpus settings; its {@code source} is only a label here
     * @param vocabulary the vocabulary whose ids the corpus uses, or null to build one from the text
     * @return the corpus
     */
    public static Corpus fromText(String text, CorpusConfig config, Vocabulary vocabulary) {
        String name = textName(config);
        SymbolEncoder encoder = encoder(name, text.length(), SymbolArray.MAX_SYMBOLS, config, vocabulary);
        TextReader.normalize(text, config, encoder);
        return new Corpus(name, encoder.finish(), encoder.ids.build(), config);
    }

    /**
     * The vocabulary {@code text} has after normalisation, without cutting windows: what one shard of a
     * corpus split over several machines contributes to the shared vocabulary.
     *
     * @param text   the raw text, normalised here as {@code config} says
     * @param config the corpus settings (normalisation, {@code maxVocabulary})
     * @return the text's symbols
     * @throws CorpusException when {@code text} has no symbol or more than {@code corpus.maxVocabulary}
     */
    public static Vocabulary vocabularyOf(String text, CorpusConfig config) {
        SymbolEncoder encoder = encoder(textName(config), text.length(), SymbolArray.MAX_SYMBOLS, config, null);
        TextReader.normalize(text, config, encoder);
        return encoder.finish();
    }

    /** How in-memory text is named in errors: its {@code source} serves as a label. */
    private static String textName(CorpusConfig config) {
        return "text \"" + config.source() + "\"";
    }

    private static SymbolEncoder encoder(String name, long sizeHint, int maxSymbols, CorpusConfig config,
                                         Vocabulary vocabulary) {
        // A byte count bounds the symbol count for UTF-8 text, so a file's size is a good first capacity.
        long capacity = sizeHint >= 0 ? sizeHint : 1 << 16;
        return vocabulary == null
                ? SymbolEncoder.discovering(name, capacity, maxSymbols, config.maxVocabulary())
                : SymbolEncoder.fixed(name, capacity, maxSymbols, vocabulary);
    }

    /** {@return where the text came from: a file path, {@code classpath:NAME}, or a label for in-memory text} */
    public String name() {
        return name;
    }

    /** {@return the symbols of the text (or of the vocabulary it was loaded with), in id order} */
    public Vocabulary vocabulary() {
        return vocabulary;
    }

    /** {@return the number of symbols (code points) after normalisation} */
    public long length() {
        return ids.length();
    }

    /** {@return the number of symbols in the training part, {@code [0, trainLength())}; validation windows start there} */
    public long trainLength() {
        return cut;
    }

    /** {@return the windows of the training part} */
    public WindowSet trainWindows() {
        return train;
    }

    /** {@return the windows of the held-out part; empty when {@code validationFraction} is 0} */
    public WindowSet validationWindows() {
        return validation;
    }

    /**
     * The text of a range of symbols.
     *
     * @param from the first symbol
     * @param to   the symbol after the last
     * @return the text of symbols {@code [from, to)}
     * @throws IndexOutOfBoundsException when the range is not within {@code [0, length())}
     */
    public String text(long from, long to) {
        checkRange(from, to);
        StringBuilder text = new StringBuilder((int) (to - from));
        for (int i = (int) from; i < to; i++) {
            text.appendCodePoint(vocabulary.codePoint(ids.get(i)));
        }
        return text.toString();
    }

    /**
     * {@code maxlen} symbols from a uniformly chosen start in the training part, as the reference notebook
     * picks its prompt ({@code randint(0, len - maxlen - 1)} over the training part).
     *
     * @param random where the start is drawn from
     * @return the window's text
     */
    public String randomWindow(RandomGenerator random) {
        long start = random.nextLong(cut - maxlen);
        return text(start, start + maxlen);
    }

    /** {@return the bytes of heap held by the id array (its payload; the windows hold nothing)} */
    public long idBytes() {
        return ids.payloadBytes();
    }

    private void checkRange(long from, long to) {
        if (from < 0 || to > ids.length() || from > to) {
            throw new IndexOutOfBoundsException(
                    "symbol range [" + from + ", " + to + ") is outside [0, " + ids.length() + ") of " + name);
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "Corpus[%s, %,d symbols, %d distinct, %,d train / %,d validation windows]",
                name, ids.length(), vocabulary.size(), train.size(), validation.size());
    }
}
