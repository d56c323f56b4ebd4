package dev.textgen.corpus;

import dev.textgen.api.CorpusException;
import dev.textgen.api.Vocabulary;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntConsumer;
import java.util.stream.Collectors;

/**
 * Turns code points into ids while they stream in. Without a vocabulary, ids are first assigned in order of
 * first appearance and remapped to the sorted {@link Vocabulary} at the end, so the text is read once. With
 * a model's vocabulary, ids come from it and unknown characters are collected for one error listing them.
 */
abstract sealed class SymbolEncoder implements IntConsumer permits SymbolEncoder.Discovering, SymbolEncoder.Fixed {
    private static final int LISTED_UNKNOWN = 20;

    final String corpusName;
    final SymbolArray.Builder ids;

    private SymbolEncoder(String corpusName, long capacityHint, int maxSymbols) {
        this.corpusName = corpusName;
        this.ids = new SymbolArray.Builder(corpusName, capacityHint, maxSymbols);
    }

    static SymbolEncoder discovering(String corpusName, long capacityHint, int maxSymbols, int maxVocabulary) {
        return new Discovering(corpusName, capacityHint, maxSymbols, maxVocabulary);
    }

    static SymbolEncoder fixed(String corpusName, long capacityHint, int maxSymbols, Vocabulary vocabulary) {
        return new Fixed(corpusName, capacityHint, maxSymbols, vocabulary);
    }

    @Override
    public final void accept(int codePoint) {
        if (Character.isSurrogate((char) codePoint) && codePoint <= 0xFFFF) {
            throw new CorpusException(String.format(Locale.ROOT,
                    "%s: lone surrogate U+%04X at symbol %,d is not a character; the text is broken UTF-16",
                    corpusName, codePoint, ids.size()));
        }
        ids.add(idOf(codePoint));
    }

    abstract int idOf(int codePoint);

    /** The vocabulary of the text read; ids are final once this returns. */
    final Vocabulary finish() {
        if (ids.size() == 0) {
            throw new CorpusException(corpusName + " is empty (no characters after decoding and normalisation);"
                    + " point corpus.source at a text file");
        }
        return vocabulary();
    }

    abstract Vocabulary vocabulary();

    static final class Discovering extends SymbolEncoder {
        private final int maxVocabulary;
        private final int[] bmpIds = new int[0x10000];
        private final Map<Integer, Integer> supplementaryIds = new HashMap<>();
        private int[] firstSeen = new int[64];
        private int distinct;

        private Discovering(String corpusName, long capacityHint, int maxSymbols, int maxVocabulary) {
            super(corpusName, capacityHint, maxSymbols);
            this.maxVocabulary = maxVocabulary;
            Arrays.fill(bmpIds, -1);
        }

        @Override
        int idOf(int codePoint) {
            if (codePoint <= 0xFFFF) {
                int id = bmpIds[codePoint];
                return id >= 0 ? id : (bmpIds[codePoint] = add(codePoint));
            }
            Integer id = supplementaryIds.get(codePoint);
            return id != null ? id : supplementaryIds.computeIfAbsent(codePoint, this::add);
        }

        private int add(int codePoint) {
            if (distinct == maxVocabulary) {
                throw new CorpusException(String.format(Locale.ROOT,
                        "%s has more than corpus.maxVocabulary = %,d distinct symbols (the %,d-th, %s, appeared at"
                                + " symbol %,d); raise corpus.maxVocabulary, or clean or lowercase the text",
                        corpusName, maxVocabulary, maxVocabulary + 1, Vocabulary.describe(codePoint), ids.size()));
            }
            if (distinct == firstSeen.length) {
                firstSeen = Arrays.copyOf(firstSeen, distinct * 2);
            }
            firstSeen[distinct] = codePoint;
            return distinct++;
        }

        @Override
        Vocabulary vocabulary() {
            Vocabulary vocabulary = Vocabulary.of(Arrays.copyOf(firstSeen, distinct));
            int[] finalIds = new int[distinct];
            for (int provisional = 0; provisional < distinct; provisional++) {
                finalIds[provisional] = vocabulary.id(firstSeen[provisional]);
            }
            ids.remap(finalIds);
            return vocabulary;
        }
    }

    static final class Fixed extends SymbolEncoder {
        private final Vocabulary vocabulary;
        /** Unknown code point to the symbol offset where it first appeared, in order of appearance. */
        private final Map<Integer, Integer> unknown = new LinkedHashMap<>();
        private long unknownCount;

        private Fixed(String corpusName, long capacityHint, int maxSymbols, Vocabulary vocabulary) {
            super(corpusName, capacityHint, maxSymbols);
            this.vocabulary = vocabulary;
        }

        @Override
        int idOf(int codePoint) {
            int id = vocabulary.id(codePoint);
            if (id >= 0) {
                return id;
            }
            unknownCount++;
            if (unknown.size() < LISTED_UNKNOWN) {
                unknown.putIfAbsent(codePoint, ids.size());
            }
            return 0;
        }

        @Override
        Vocabulary vocabulary() {
            if (unknownCount > 0) {
                String listed = unknown.entrySet().stream()
                        .map(e -> Vocabulary.describe(e.getKey()) + " first at symbol " + e.getValue())
                        .collect(Collectors.joining(", "));
                throw new CorpusException(String.format(Locale.ROOT,
                        "%s has %,d occurrences of characters the model's vocabulary (%d symbols) lacks: %s%s;"
                                + " clean the text or train a model on a corpus that contains them",
                        corpusName, unknownCount, vocabulary.size(), listed,
                        unknown.size() == LISTED_UNKNOWN ? ", ..." : ""));
            }
            return vocabulary;
        }
    }
}
