package dev.textgen.api;

import dev.textgen.api.config.GenerationConfig;
import dev.textgen.api.spi.RecurrentRows;
import dev.textgen.api.spi.RecurrentSession;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Many generations of one {@link LanguageModel} run as one batch of recurrent rows, one batched step at a time. Each
 * {@link Member} is a {@link Generation} of a {@link TextGenerator} on a slice of the rows: a stateful one takes one
 * row, a window-context one {@code maxlen} rows (its windows in flight, as {@link RecurrentSession#window} runs them).
 * At every {@link #step(Listener)} each member either feeds its next prompt character or draws a character and feeds
 * it, the members that ended leave, and then one {@link RecurrentRows#step(int[], int)} advances the rows of all
 * members together. The distributions the stateful members draw from are computed in one product
 * ({@link RecurrentRows#probabilities(int[], int, float[][])}).
 *
 * <p>Members {@link #join join} between steps while their rows fit and leave at the step they end (their length
 * reached or a stop sequence generated), or when the caller {@link #remove removes} them (cancellation, deadlines:
 * the caller decides). The rows of the members after a leaver move down, so the live rows stay first and contiguous
 * and a step computes exactly them; a leaver's rows are reused by the next member that joins.
 *
 * <p>A row's arithmetic does not depend on the other rows, and each member draws from its own sampler and random
 * generator, so a member's text is the same as {@link TextGenerator#generate} gives with the same config and prompt,
 * whoever else is in the batch and whenever it joins.
 *
 * <pre>{@code
 * TextGenerator generator = TextGenerator.load(Path.of("model.safetensors"));
 * GenerationConfig stateful = generator.config().withContext(GenerationConfig.Context.STATEFUL); // 1 row each
 * Map<GenerationBatch.Member, StringBuilder> texts = new LinkedHashMap<>();
 * try (GenerationBatch batch = new GenerationBatch(generator.model(), 64)) {
 *     for (long seed = 1; seed <= 8; seed++) {
 *         TextGenerator seeded = generator.withConfig(stateful.withSeed(seed));
 *         GenerationBatch.Member member = new GenerationBatch.Member(seeded, "the meaning of life is ", 200);
 *         batch.join(member);
 *         texts.put(member, new StringBuilder());
 *     }
 *     while (!batch.isEmpty()) {
 *         batch.step((member, chunk) -> texts.get(member).append(chunk));
 *     }
 * }
 * }</pre>
 *
 * <p><b>Threads.</b> A batch is single-threaded by contract: one thread joins, removes, steps and closes it, and a
 * listener must not call its batch (it gets an {@link IllegalStateException}). A {@link Member} is bound to no batch
 * until it joins, so any thread may create one, e.g. to check a request's prompt before queueing it.
 */
public final class GenerationBatch implements AutoCloseable {

    /** Why a member left the batch at a step. */
    public enum Ending {
        /** Its length was reached. */
        LENGTH,
        /** A stop sequence was generated; {@link Member#stopSequence()} tells which. */
        STOP,
        /** Its step, the listener told of its chunk, or the batch's shared product or step threw. */
        FAILED
    }

    /**
     * Told, on the stepping thread, what each member produced at a step. It must not call the batch.
     */
    @FunctionalInterface
    public interface Listener {
        /**
         * A member drew a character; {@link Member#lastId()} and {@link Member#lastProbabilities(float[])} tell its
         * id and distribution until the member's next step. An exception thrown here ends the member as
         * {@link Ending#FAILED}.
         *
         * @param member the member
         * @param chunk  the character drawn, one code point
         */
        void onChunk(Member member, String chunk);

        /**
         * A member left the batch at this step, after the step has advanced the other members' rows; its generation
         * is closed. A member the caller removes is not reported. Every member that ended is reported even if an
         * earlier report threw; the first exception then propagates from {@link #step(Listener)}.
         *
         * @param member  the member
         * @param ending  why it ended
         * @param failure the exception for {@link Ending#FAILED}, else null
         */
        default void onEnd(Member member, Ending ending, RuntimeException failure) {
        }
    }

    /**
     * One generation of a batch: a {@link TextGenerator}'s generation in its {@code generation.context}, on rows
     * the batch lends it from {@link #join} until it leaves. A member joins one batch once.
     */
    public static final class Member implements AutoCloseable {
        private enum State { WAITING, IN, DONE }

        private final Generation generation;
        private final RowSlice slice;
        private final int vocabularySize;
        private GenerationBatch batch;
        private State state = State.WAITING;

        /**
         * A generation of at most {@code length} characters after {@code prompt}, ready to join a batch of
         * {@code generator}'s model. The prompt is normalised and checked now, with the same errors as
         * {@link TextGenerator#generate(String, int)}; no batch is touched, so any thread may create a member.
         *
         * @param generator the model, sampler, seed, context and stop sequences to generate with
         * @param prompt    the text to continue; empty for the model's default prompt
         * @param length    the most characters to generate, at least 0 (a member of length 0 ends at its first step)
         * @throws UnknownCharacterException when the prompt has characters outside the vocabulary and the policy is
         *                                   {@code error}
         * @throws TextgenException          when the prompt is empty and the model stores no default prompt
         * @throws IllegalArgumentException  when {@code length} is negative
         */
        public Member(TextGenerator generator, String prompt, int length) {
            Objects.requireNonNull(generator, "generator");
            LanguageModel model = generator.model();
            GenerationConfig.Context context = generator.config().context();
            this.vocabularySize = model.vocabulary().size();
            this.slice = new RowSlice(rowsPerMember(model, context));
            this.generation = generator.start(prompt, length, context == GenerationConfig.Context.WINDOW
                    ? RecurrentSession.window(slice, vocabularySize) : RecurrentSession.stateful(slice, vocabularySize));
        }

        /**
         * The rows of the batch this member takes.
         *
         * @return 1 in stateful context, the model's maxlen in window context
         */
        public int rows() {
            return slice.rows();
        }

        /**
         * The id of the last character drawn.
         *
         * @return the id, or -1 before the first draw
         */
        public int lastId() {
            return generation.lastId();
        }

        /**
         * Copies the distribution the last character was drawn from (the model's, before the sampler) into
         * {@code out}.
         *
         * @param out receives one probability per symbol of the vocabulary
         * @return {@code out}
         * @throws IllegalStateException before the first draw
         */
        public float[] lastProbabilities(float[] out) {
            return generation.lastProbabilities(out);
        }

        /**
         * The stop sequence that ended the member (its text ends with it), if one did.
         *
         * @return the stop sequence, or empty
         */
        public Optional<String> stopSequence() {
            return generation.stopSequence();
        }

        /**
         * Releases a member that will not join (or has left); a member in a batch leaves by
         * {@link GenerationBatch#remove}.
         *
         * @throws IllegalStateException when the member is in a batch
         */
        @Override
        public void close() {
            if (state == State.IN) {
                throw new IllegalStateException("the member is in a batch; remove it from the batch instead");
            }
            state = State.DONE;
            generation.close();
        }
    }

    private final LanguageModel model;
    private final RecurrentRows rows;
    private final int vocabularySize;
    /** The id each row reads at the next batched step, recorded by the members' sessions. */
    private final int[] ids;
    /** The rows whose distributions a step reads in one product, and their distributions. */
    private final int[] reads;
    private final float[][] distributions;
    /** Per row, the distribution computed for it at this step, or null. */
    private final float[][] prepared;
    /** In row order; during a step an ended member's place is null until the rows are compacted. */
    private final List<Member> members = new ArrayList<>();
    private final List<Member> view = Collections.unmodifiableList(members);
    private final List<Ended> ended = new ArrayList<>();
    private int usedRows;
    private boolean stepping;
    private boolean closed;

    /**
     * A batch of {@code maxRows} rows of {@code model}, empty.
     *
     * @param model   the model every member generates with
     * @param maxRows the most rows a step advances, at least 1
     * @throws IllegalArgumentException      when {@code maxRows} is below 1
     * @throws UnsupportedOperationException when the model's backend runs no batched rows
     */
    public GenerationBatch(LanguageModel model, int maxRows) {
        this.model = Objects.requireNonNull(model, "model");
        if (maxRows < 1) {
            throw new IllegalArgumentException("maxRows must be >= 1, got " + maxRows);
        }
        this.rows = model.newRows(maxRows);
        this.vocabularySize = model.vocabulary().size();
        this.ids = new int[maxRows];
        this.reads = new int[maxRows];
        this.distributions = new float[maxRows][vocabularySize];
        this.prepared = new float[maxRows][];
    }

    /**
     * The rows a member of {@code model} takes in {@code context}.
     *
     * @param model   the model
     * @param context the generation context
     * @return 1 for {@code stateful}, the model's maxlen for {@code window}
     */
    public static int rowsPerMember(LanguageModel model, GenerationConfig.Context context) {
        return context == GenerationConfig.Context.WINDOW ? model.maxlen() : 1;
    }

    /**
     * The model every member generates with.
     *
     * @return the model
     */
    public LanguageModel model() {
        return model;
    }

    /**
     * The most rows a step advances.
     *
     * @return the batch's size in rows
     */
    public int maxRows() {
        return ids.length;
    }

    /**
     * The rows the members take.
     *
     * @return rows in use, in [0, maxRows()]
     */
    public int usedRows() {
        checkUsable();
        return usedRows;
    }

    /**
     * The members in the batch, in row order.
     *
     * @return an unmodifiable view, which follows the batch
     */
    public List<Member> members() {
        checkUsable();
        return view;
    }

    /**
     * Whether no member is in the batch.
     *
     * @return true when a step would do nothing
     */
    public boolean isEmpty() {
        checkUsable();
        return members.isEmpty();
    }

    /**
     * Whether {@code member}'s rows fit beside the members in the batch now.
     *
     * @param member a member that has not joined yet
     * @return true when {@link #join} would take it
     * @throws IllegalArgumentException when the member can never join this batch (see {@link #join})
     * @throws IllegalStateException    when the batch is closed or stepping
     */
    public boolean fits(Member member) {
        checkUsable();
        checkJoinable(member);
        return usedRows + member.rows() <= ids.length;
    }

    /**
     * Adds {@code member} on the rows after the last member's, at the zero state; it takes its first character at
     * the next step.
     *
     * @param member a member that has not joined yet
     * @throws IllegalArgumentException when the member is in a batch, has left one or was closed, generates with a
     *                                  model of another vocabulary, or takes more rows than the batch holds
     * @throws IllegalStateException    when its rows do not fit now (see {@link #fits}), or the batch is closed or
     *                                  stepping
     */
    public void join(Member member) {
        if (!fits(member)) {
            throw new IllegalStateException("the member takes " + member.rows() + " rows and " + (ids.length - usedRows)
                    + " of the batch's " + ids.length + " rows are free; step until members leave, or remove one");
        }
        member.slice.place(rows, ids, prepared, usedRows);
        member.batch = this;
        member.state = Member.State.IN;
        usedRows += member.rows();
        members.add(member);
    }

    /**
     * Takes {@code member} out of the batch between steps and closes its generation; the rows of the members after
     * it move down. It is not reported to a listener.
     *
     * @param member a member in this batch
     * @throws IllegalArgumentException when the member is not in this batch
     * @throws IllegalStateException    when the batch is closed or stepping
     */
    public void remove(Member member) {
        checkUsable();
        if (member.batch != this) {
            throw new IllegalArgumentException("the member is not in this batch");
        }
        members.set(indexOf(member), null);
        leave(member);
        compact();
    }

    /**
     * Advances every member by one character: each feeds its next prompt character, or draws a character (told to
     * {@code listener}) and feeds it; the members that ended leave; then the rows of the others advance together. A
     * failure of the shared product or step ends every member as {@link Ending#FAILED} and leaves the batch empty
     * and usable.
     *
     * @param listener told of every chunk drawn and every member that ended, on this thread
     * @throws IllegalStateException when the batch is closed, or called from a listener
     * @throws RuntimeException      the first exception a listener's {@link Listener#onEnd} threw
     */
    public void step(Listener listener) {
        Objects.requireNonNull(listener, "listener");
        checkUsable();
        stepping = true;
        try {
            try {
                advanceAll(listener);
            } finally {
                report(listener);
            }
        } finally {
            stepping = false;
        }
    }

    /** Removes every member, closing their generations without reporting them, and releases the rows. */
    @Override
    public void close() {
        if (stepping) {
            throw new IllegalStateException("a listener must not close the batch that is stepping");
        }
        if (closed) {
            return;
        }
        closed = true;
        for (Member member : members) {
            leave(member);
        }
        members.clear();
        usedRows = 0;
        rows.close();
    }

    /** The step without its reports: each member's character, the leavers out, the rows advanced. */
    private void advanceAll(Listener listener) {
        try {
            prepareDistributions();
        } catch (RuntimeException e) {
            failAll(e);
            return;
        }
        for (int i = 0; i < members.size(); i++) {
            Member member = members.get(i);
            if (advance(member, listener)) {
                members.set(i, null);
                leave(member);
            }
        }
        Arrays.fill(prepared, 0, usedRows, null);
        compact();
        if (usedRows > 0) {
            try {
                rows.step(ids, usedRows);
            } catch (RuntimeException e) {
                failAll(e);
            }
        }
    }

    /** One member's step; whether it ended (recorded for the listener). */
    private boolean advance(Member member, Listener listener) {
        Generation generation = member.generation;
        try {
            if (!generation.finished()) { // a member of length 0 ends before its first draw
                String chunk = generation.step();
                if (chunk != null) {
                    listener.onChunk(member, chunk);
                }
            }
            if (!generation.finished()) {
                return false;
            }
            ended.add(new Ended(member, generation.stopSequence().isPresent() ? Ending.STOP : Ending.LENGTH, null));
        } catch (RuntimeException e) {
            ended.add(new Ended(member, Ending.FAILED, e));
        }
        return true;
    }

    /**
     * Computes in one product the distributions the stateful members about to draw will read (a window member reads
     * one of its rows, which its session picks, so it reads it from the rows).
     */
    private void prepareDistributions() {
        int count = 0;
        for (Member member : members) {
            Generation generation = member.generation;
            if (member.rows() == 1 && !generation.prompting() && !generation.finished()) {
                reads[count++] = member.slice.base();
            }
        }
        if (count > 0) {
            rows.probabilities(reads, count, distributions);
            for (int i = 0; i < count; i++) {
                prepared[reads[i]] = distributions[i];
            }
        }
    }

    /** Ends every member still in the batch as failed by {@code failure} and returns the rows to the zero state. */
    private void failAll(RuntimeException failure) {
        for (Member member : members) {
            if (member != null) {
                leave(member);
                ended.add(new Ended(member, Ending.FAILED, failure));
            }
        }
        members.clear();
        Arrays.fill(prepared, null);
        rows.reset();
        usedRows = 0;
    }

    /** Tells the listener of every member that ended, all of them even if one report throws. */
    private void report(Listener listener) {
        RuntimeException thrown = null;
        for (Ended end : ended) {
            try {
                listener.onEnd(end.member(), end.ending(), end.failure());
            } catch (RuntimeException e) {
                if (thrown == null) {
                    thrown = e;
                } else {
                    thrown.addSuppressed(e);
                }
            }
        }
        ended.clear();
        if (thrown != null) {
            throw thrown;
        }
    }

    /** Drops the members that left (null places) and moves the rows and pending ids of the members after them down. */
    private void compact() {
        int next = 0;
        int kept = 0;
        for (Member member : members) {
            if (member == null) {
                continue;
            }
            RowSlice slice = member.slice;
            if (slice.base() != next) {
                rows.move(slice.base(), next, slice.rows());
                System.arraycopy(ids, slice.base(), ids, next, slice.rows());
                slice.moveTo(next);
            }
            next += slice.rows();
            members.set(kept++, member);
        }
        members.subList(kept, members.size()).clear();
        usedRows = next;
    }

    private static void leave(Member member) {
        member.batch = null;
        member.state = Member.State.DONE;
        member.generation.close();
    }

    private int indexOf(Member member) {
        for (int i = 0; i < members.size(); i++) {
            if (members.get(i) == member) {
                return i;
            }
        }
        throw new IllegalStateException("a member of this batch is missing from its list");
    }

    private void checkJoinable(Member member) {
        Objects.requireNonNull(member, "member");
        if (member.state == Member.State.IN) {
            throw new IllegalArgumentException(member.batch == this ? "the member is already in this batch"
                    : "the member is in another batch; a member joins one batch once");
        }
        if (member.state == Member.State.DONE) {
            throw new IllegalArgumentException("the member has left a batch or was closed; a member joins one batch"
                    + " once: create a new member");
        }
        if (member.vocabularySize != vocabularySize) {
            throw new IllegalArgumentException("the member generates with a model of " + member.vocabularySize
                    + " symbols, this batch runs one of " + vocabularySize + "; use a generator of the batch's model");
        }
        if (member.rows() > ids.length) {
            throw new IllegalArgumentException("a member of " + member.rows() + " rows never fits in a batch of "
                    + ids.length + " rows; a window-context member takes maxlen rows: use the stateful context, or a"
                    + " batch of " + member.rows() + " rows or more");
        }
    }

    private void checkUsable() {
        if (stepping) {
            throw new IllegalStateException("a listener must not call the batch that is stepping");
        }
        if (closed) {
            throw new IllegalStateException("the batch is closed");
        }
    }

    private record Ended(Member member, Ending ending, RuntimeException failure) {
    }
}
