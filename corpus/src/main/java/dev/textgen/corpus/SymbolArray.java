package dev.textgen.corpus;

import dev.textgen.api.CorpusException;

import java.util.Arrays;
import java.util.Locale;

/**
 * The corpus as one array of symbol ids, one element per symbol, in the narrowest type the vocabulary
 * allows: a byte for up to 256 symbols, a char for up to 65,536, an int above. Windows are offsets into
 * it, so a corpus costs about one byte per symbol however many windows are cut from it.
 */
abstract sealed class SymbolArray permits SymbolArray.Bytes, SymbolArray.Chars, SymbolArray.Ints {

    /**
     * The most symbols one corpus may hold: the largest Java array. Larger corpora are rejected rather than
     * chunked, because window indices ({@link dev.textgen.api.data.WindowSet#size()}) are ints anyway.
     */
    static final int MAX_SYMBOLS = Integer.MAX_VALUE - 8;

    private final int length;

    SymbolArray(int length) {
        this.length = length;
    }

    final int length() {
        return length;
    }

    abstract int get(int index);

    /** Copies ids {@code [from, from + count)} into {@code dst} at {@code offset}. */
    abstract void copy(int from, int[] dst, int offset, int count);

    /** Bytes held by the backing array, slack included (array headers excluded). */
    abstract long payloadBytes();

    static final class Bytes extends SymbolArray {
        private final byte[] ids;

        Bytes(byte[] ids, int length) {
            super(length);
            this.ids = ids;
        }

        @Override
        int get(int index) {
            return ids[index] & 0xFF;
        }

        @Override
        void copy(int from, int[] dst, int offset, int count) {
            for (int i = 0; i < count; i++) {
                dst[offset + i] = ids[from + i] & 0xFF;
            }
        }

        @Override
        long payloadBytes() {
            return ids.length;
        }
    }

    static final class Chars extends SymbolArray {
        private final char[] ids;

        Chars(char[] ids, int length) {
            super(length);
            this.ids = ids;
        }

        @Override
        int get(int index) {
            return ids[index];
        }

        @Override
        void copy(int from, int[] dst, int offset, int count) {
            for (int i = 0; i < count; i++) {
                dst[offset + i] = ids[from + i];
            }
        }

        @Override
        long payloadBytes() {
            return 2L * ids.length;
        }
    }

    static final class Ints extends SymbolArray {
        private final int[] ids;

        Ints(int[] ids, int length) {
            super(length);
            this.ids = ids;
        }

        @Override
        int get(int index) {
            return ids[index];
        }

        @Override
        void copy(int from, int[] dst, int offset, int count) {
            System.arraycopy(ids, from, dst, offset, count);
        }

        @Override
        long payloadBytes() {
            return 4L * ids.length;
        }
    }

    /**
     * Appends ids one at a time, widening from byte to char to int storage the first time an id needs it,
     * and growing by half when full, so that a good capacity hint means no copy at all.
     */
    static final class Builder {
        private final String corpusName;
        private final int maxSymbols;
        private byte[] bytes;
        private char[] chars;
        private int[] ints;
        private int size;

        Builder(String corpusName, long capacityHint, int maxSymbols) {
            this.corpusName = corpusName;
            this.maxSymbols = maxSymbols;
            this.bytes = new byte[(int) Math.max(16, Math.min(capacityHint, maxSymbols))];
        }

        int size() {
            return size;
        }

        void add(int id) {
            if (size == capacity()) {
                grow();
            }
            if (ints != null) {
                ints[size++] = id;
            } else if (id > 0xFFFF) {
                widenToInts();
                ints[size++] = id;
            } else if (chars != null) {
                chars[size++] = (char) id;
            } else if (id > 0xFF) {
                widenToChars();
                chars[size++] = (char) id;
            } else {
                bytes[size++] = (byte) id;
            }
        }

        /** Replaces every id {@code i} by {@code mapping[i]} in place. */
        void remap(int[] mapping) {
            if (ints != null) {
                for (int i = 0; i < size; i++) {
                    ints[i] = mapping[ints[i]];
                }
            } else if (chars != null) {
                for (int i = 0; i < size; i++) {
                    chars[i] = (char) mapping[chars[i]];
                }
            } else {
                for (int i = 0; i < size; i++) {
                    bytes[i] = (byte) mapping[bytes[i] & 0xFF];
                }
            }
        }

        /**
         * The ids so far. The array is trimmed (copied) only when the capacity overshot by more than 1/16,
         * so a close hint costs no copy and at most 1/16 slack.
         */
        SymbolArray build() {
            boolean trim = capacity() - size > size / 16;
            if (ints != null) {
                return new Ints(trim ? Arrays.copyOf(ints, size) : ints, size);
            }
            if (chars != null) {
                return new Chars(trim ? Arrays.copyOf(chars, size) : chars, size);
            }
            return new Bytes(trim ? Arrays.copyOf(bytes, size) : bytes, size);
        }

        private int capacity() {
            return ints != null ? ints.length : chars != null ? chars.length : bytes.length;
        }

        private void grow() {
            if (size >= maxSymbols) {
                throw new CorpusException(String.format(Locale.ROOT,
                        "corpus %s has more than %,d symbols, the most one corpus can hold (one Java array);"
                                + " split it into smaller files or train on a part of it", corpusName, maxSymbols));
            }
            int capacity = (int) Math.min(maxSymbols, capacity() + (capacity() >> 1) + 16L);
            if (ints != null) {
                ints = Arrays.copyOf(ints, capacity);
            } else if (chars != null) {
                chars = Arrays.copyOf(chars, capacity);
            } else {
                bytes = Arrays.copyOf(bytes, capacity);
            }
        }

        private void widenToChars() {
            chars = new char[bytes.length];
            for (int i = 0; i < size; i++) {
                chars[i] = (char) (bytes[i] & 0xFF);
            }
            bytes = null;
        }

        private void widenToInts() {
            int capacity = capacity();
            ints = new int[capacity];
            for (int i = 0; i < size; i++) {
                ints[i] = chars != null ? chars[i] : bytes[i] & 0xFF;
            }
            bytes = null;
            chars = null;
        }
    }
}
