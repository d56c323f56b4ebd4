package dev.textgen.api;

import dev.textgen.api.config.GenerationConfig;
import dev.textgen.api.config.SamplerConfig;
import dev.textgen.api.config.TextgenConfig;
import dev.textgen.api.spi.RecurrentRows;
import dev.textgen.api.spi.Samplers;
import dev.textgen.api.spi.TrainingEngine;
import dev.textgen.api.testing.TestDoubleBackend;
import dev.textgen.api.testing.TestDoubleProvider;
import dev.textgen.api.testing.TestDoubleSamplerProvider;
import dev.textgen.api.testing.TinyCorpus;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.textgen.api.config.GenerationConfig.Context.STATEFUL;
import static dev.textgen.api.config.GenerationConfig.Context.WINDOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Many generations of the trained test double as one batch: each member's text is {@link TextGenerator#generate}'s
 * with the same config, whoever else is in the batch, joins or leaves, and whatever rows it is given.
 */
class GenerationBatchTest {
    private static final Samplers SAMPLERS = Samplers.of(List.of(new TestDoubleSamplerProvider()));
    private static final SamplerConfig RANDOM = SamplerConfig.of(TestDoubleSamplerProvider.NAME, "temperature", 1);
    private static final LanguageModel MODEL = TestDoubleBackend.trained(GenerationConfig.defaults());

    @Test
    void eachMemberWritesTheTextItWritesAlone() {
        Recorder recorder = new Recorder();
        List<GenerationBatch.Member> members = new ArrayList<>();
        List<String> alone = new ArrayList<>();
        try (GenerationBatch batch = new GenerationBatch(MODEL, 28)) {
            for (int s = 0; s < 10; s++) {
                TextGenerator generator = generator(s < 8 ? STATEFUL : WINDOW, s, List.of());
                String prompt = s % 3 == 0 ? "" : "the cat sat on the mat".substring(s);
                int length = 40 + 7 * s;
                alone.add(generator.generate(prompt, length));
                GenerationBatch.Member member = new GenerationBatch.Member(generator, prompt, length);
                batch.join(member);
                members.add(member);
            }
            assertThat(batch.usedRows()).as("8 stateful members of 1 row, 2 window members of maxlen 10").isEqualTo(28);
            assertThat(batch.members()).containsExactlyElementsOf(members);

            recorder.runUntilEmpty(batch);

            assertThat(batch.usedRows()).isZero();
        }
        for (int s = 0; s < members.size(); s++) {
            assertThat(alone.get(s)).hasSize(40 + 7 * s);
            assertThat(recorder.text(members.get(s))).as("member %d", s).isEqualTo(alone.get(s));
            assertThat(recorder.endings.get(members.get(s))).isEqualTo(GenerationBatch.Ending.LENGTH);
        }
    }

    @Test
    void membersJoiningLateAndLeavingEarlyDoNotChangeTheOthersText() {
        TextGenerator first = generator(STATEFUL, 1, List.of());
        TextGenerator window = generator(WINDOW, 2, List.of());
        TextGenerator stopping = generator(STATEFUL, 3, List.of("t ", "at"));
        TextGenerator removed = generator(STATEFUL, 4, List.of());
        TextGenerator late = generator(STATEFUL, 5, List.of());
        Recorder recorder = new Recorder();
        try (GenerationBatch batch = new GenerationBatch(MODEL, 14)) {
            GenerationBatch.Member a = join(batch, first, "the dog", 120);
            GenerationBatch.Member w = join(batch, window, "a cat and", 60);
            GenerationBatch.Member s = join(batch, stopping, "on the", 200);
            GenerationBatch.Member r = join(batch, removed, "the log", 200);
            GenerationBatch.Member empty = join(batch, late, "the", 0);
            assertThat(batch.usedRows()).isEqualTo(14);
            for (int step = 0; step < 25; step++) {
                recorder.step(batch);
            }
            assertThat(recorder.endings).as("a member of length 0 leaves at the first step, without a chunk")
                    .containsEntry(empty, GenerationBatch.Ending.LENGTH);
            assertThat(recorder.text(empty)).isEmpty();

            batch.remove(r);
            assertThat(batch.members()).doesNotContain(r, empty);
            GenerationBatch.Member l = join(batch, late, "the mat", 70);
            recorder.runUntilEmpty(batch);

            assertThat(recorder.text(a)).isEqualTo(first.generate("the dog", 120)).hasSize(120);
            assertThat(recorder.text(w)).isEqualTo(window.generate("a cat and", 60)).hasSize(60);
            assertThat(recorder.text(l)).isEqualTo(late.generate("the mat", 70)).hasSize(70);
            String stopped = stopping.generate("on the", 200);
            assertThat(recorder.text(s)).isEqualTo(stopped);
            assertThat(stopped).hasSizeLessThan(200).endsWith(s.stopSequence().orElseThrow());
            assertThat(recorder.endings.get(s)).isEqualTo(GenerationBatch.Ending.STOP);
            assertThat(recorder.endings).as("a removed member is not reported").doesNotContainKey(r);
            assertThat(removed.generate("the log", 200)).as("its 25 steps: 7 prompt characters, 18 drawn")
                    .startsWith(recorder.text(r)).hasSize(200);
            assertThat(recorder.text(r)).hasSize(18);
        }
    }

    @Test
    void theRowsOfALeaverAreReusedByTheNextMember() {
        Recorder recorder = new Recorder();
        try (GenerationBatch batch = new GenerationBatch(MODEL, 2)) {
            GenerationBatch.Member shortOne = join(batch, generator(STATEFUL, 6, List.of()), "the", 4);
            GenerationBatch.Member longOne = join(batch, generator(STATEFUL, 7, List.of()), "a dog", 50);
            GenerationBatch.Member next = new GenerationBatch.Member(generator(STATEFUL, 8, List.of()), "the cat", 30);
            assertThat(batch.fits(next)).isFalse();
            while (batch.members().contains(shortOne)) {
                recorder.step(batch);
            }
            assertThat(batch.members()).as("the long member moved down to row 0").containsExactly(longOne);
            assertThat(batch.usedRows()).isEqualTo(1);
            assertThat(batch.fits(next)).isTrue();
            batch.join(next);
            recorder.runUntilEmpty(batch);

            assertThat(recorder.text(shortOne)).isEqualTo(generator(STATEFUL, 6, List.of()).generate("the", 4));
            assertThat(recorder.text(longOne)).isEqualTo(generator(STATEFUL, 7, List.of()).generate("a dog", 50));
            assertThat(recorder.text(next)).isEqualTo(generator(STATEFUL, 8, List.of()).generate("the cat", 30));
        }

        try (GenerationBatch batch = new GenerationBatch(MODEL, TinyCorpus.MAXLEN)) {
            TextGenerator window = generator(WINDOW, 9, List.of());
            GenerationBatch.Member first = join(batch, window, "the", 5);
            GenerationBatch.Member second = new GenerationBatch.Member(window, "the", 5);
            assertThat(batch.fits(second)).as("a window member takes every row of a batch of maxlen rows").isFalse();
            recorder.runUntilEmpty(batch);
            batch.join(second);
            recorder.runUntilEmpty(batch);

            assertThat(recorder.text(first)).isEqualTo(window.generate("the", 5)).hasSize(5);
            assertThat(recorder.text(second)).as("the same seed on the reused rows").isEqualTo(recorder.text(first));
        }
    }

    @Test
    void aFailingBatchedStepFailsEveryMemberAndTheBatchRunsOn() {
        AtomicBoolean failNextStep = new AtomicBoolean();
        LanguageModel failing = failingRows(MODEL, failNextStep);
        Recorder recorder = new Recorder();
        TextGenerator generator = generator(STATEFUL, 10, List.of());
        try (GenerationBatch batch = new GenerationBatch(failing, 3)) {
            GenerationBatch.Member a = join(batch, generator, "the", 20);
            GenerationBatch.Member b = join(batch, generator, "a cat", 20);
            recorder.step(batch);
            failNextStep.set(true);
            recorder.step(batch);

            assertThat(batch.isEmpty()).isTrue();
            assertThat(recorder.endings).containsEntry(a, GenerationBatch.Ending.FAILED)
                    .containsEntry(b, GenerationBatch.Ending.FAILED);
            assertThat(recorder.failures.get(a)).hasMessage("the batched step failed").isSameAs(recorder.failures.get(b));

            GenerationBatch.Member c = join(batch, generator, "the", 20);
            recorder.runUntilEmpty(batch);
            assertThat(recorder.text(c)).isEqualTo(generator.generate("the", 20));
        }
    }

    @Test
    void aListenerThatThrowsFailsItsMemberOnly() {
        Recorder recorder = new Recorder();
        try (GenerationBatch batch = new GenerationBatch(MODEL, 2)) {
            GenerationBatch.Member calling = join(batch, generator(STATEFUL, 11, List.of()), "t", 10);
            GenerationBatch.Member other = join(batch, generator(STATEFUL, 12, List.of()), "t", 10);
            batch.step(recorder);
            batch.step(new GenerationBatch.Listener() {
                @Override
                public void onChunk(GenerationBatch.Member member, String chunk) {
                    if (member == calling) {
                        batch.usedRows();
                    }
                    recorder.onChunk(member, chunk);
                }

                @Override
                public void onEnd(GenerationBatch.Member member, GenerationBatch.Ending ending, RuntimeException failure) {
                    recorder.onEnd(member, ending, failure);
                }
            });
            recorder.runUntilEmpty(batch);

            assertThat(recorder.endings).containsEntry(calling, GenerationBatch.Ending.FAILED)
                    .containsEntry(other, GenerationBatch.Ending.LENGTH);
            assertThat(recorder.failures.get(calling)).isInstanceOf(IllegalStateException.class)
                    .hasMessage("a listener must not call the batch that is stepping");
            assertThat(recorder.text(other)).isEqualTo(generator(STATEFUL, 12, List.of()).generate("t", 10));
        }
    }

    @Test
    void badInputsGetSpecificErrors() {
        TextGenerator stateful = generator(STATEFUL, 13, List.of());
        assertThatThrownBy(() -> new GenerationBatch(MODEL, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxRows must be >= 1, got 0");
        assertThatThrownBy(() -> new GenerationBatch.Member(stateful, "{the}", 5))
                .isInstanceOf(UnknownCharacterException.class).hasMessageContaining("'{'");
        assertThatThrownBy(() -> new GenerationBatch.Member(stateful, "the", -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("length must be >= 0, got -1");

        GenerationBatch other = new GenerationBatch(MODEL, 4);
        GenerationBatch.Member elsewhere = join(other, stateful, "the", 5);
        GenerationBatch batch = new GenerationBatch(MODEL, 4);
        GenerationBatch.Member window = new GenerationBatch.Member(generator(WINDOW, 13, List.of()), "the", 5);
        assertThatThrownBy(() -> batch.fits(window)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a member of 10 rows never fits in a batch of 4 rows; a window-context member takes maxlen"
                        + " rows: use the stateful context, or a batch of 10 rows or more");
        GenerationBatch.Member in = join(batch, stateful, "the", 5);
        assertThatThrownBy(() -> batch.join(in)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the member is already in this batch");
        assertThatThrownBy(() -> batch.join(elsewhere)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the member is in another batch; a member joins one batch once");
        assertThatThrownBy(() -> batch.remove(elsewhere)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the member is not in this batch");
        assertThatThrownBy(in::close).isInstanceOf(IllegalStateException.class)
                .hasMessage("the member is in a batch; remove it from the batch instead");
        for (int i = 0; i < 3; i++) {
            join(batch, stateful, "the", 5);
        }
        assertThatThrownBy(() -> batch.join(new GenerationBatch.Member(stateful, "the", 5)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the member takes 1 rows and 0 of the batch's 4 rows are free; step until members leave,"
                        + " or remove one");
        batch.remove(in);
        assertThatThrownBy(() -> batch.join(in)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the member has left a batch or was closed; a member joins one batch once: create a new"
                        + " member");

        GenerationBatch.Member foreign = new GenerationBatch.Member(new TextGenerator(otherVocabularyModel(),
                stateful.config(), SAMPLERS), "abc", 5);
        assertThatThrownBy(() -> batch.join(foreign)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the member generates with a model of 3 symbols, this batch runs one of "
                        + MODEL.vocabulary().size() + "; use a generator of the batch's model");

        other.close();
        batch.close();
        batch.close();
        elsewhere.close();
        assertThatThrownBy(() -> batch.step(new Recorder())).isInstanceOf(IllegalStateException.class)
                .hasMessage("the batch is closed");
        assertThatThrownBy(() -> batch.join(new GenerationBatch.Member(stateful, "the", 5)))
                .isInstanceOf(IllegalStateException.class).hasMessage("the batch is closed");
        assertThatThrownBy(batch::members).isInstanceOf(IllegalStateException.class).hasMessage("the batch is closed");
    }

    private static GenerationBatch.Member join(GenerationBatch batch, TextGenerator generator, String prompt,
                                               int length) {
        GenerationBatch.Member member = new GenerationBatch.Member(generator, prompt, length);
        batch.join(member);
        return member;
    }

    private static TextGenerator generator(GenerationConfig.Context context, long seed, List<String> stop) {
        return new TextGenerator(MODEL, new GenerationConfig(RANDOM, 25, context, UnknownChars.ERROR, " ", seed, stop),
                SAMPLERS);
    }

    /** An untrained test double over the 3 symbols "abc". */
    private static LanguageModel otherVocabularyModel() {
        TextgenConfig config = TinyCorpus.config(TestDoubleProvider.NAME, 4);
        try (TrainingEngine engine = new TestDoubleBackend().newEngine(config, Vocabulary.fromText("abc"), null)) {
            return engine.snapshot(null);
        }
    }

    /** Every chunk and ending the batch reports, per member. */
    private static final class Recorder implements GenerationBatch.Listener {
        final Map<GenerationBatch.Member, StringBuilder> texts = new IdentityHashMap<>();
        final Map<GenerationBatch.Member, GenerationBatch.Ending> endings = new IdentityHashMap<>();
        final Map<GenerationBatch.Member, RuntimeException> failures = new IdentityHashMap<>();

        @Override
        public void onChunk(GenerationBatch.Member member, String chunk) {
            assertThat(endings).doesNotContainKey(member);
            texts.computeIfAbsent(member, m -> new StringBuilder()).append(chunk);
        }

        @Override
        public void onEnd(GenerationBatch.Member member, GenerationBatch.Ending ending, RuntimeException failure) {
            assertThat(endings.put(member, ending)).as("a member ends once").isNull();
            if (failure != null) {
                failures.put(member, failure);
            }
        }

        void step(GenerationBatch batch) {
            batch.step(this);
        }

        void runUntilEmpty(GenerationBatch batch) {
            while (!batch.isEmpty()) {
                batch.step(this);
            }
        }

        String text(GenerationBatch.Member member) {
            return texts.getOrDefault(member, new StringBuilder()).toString();
        }
    }

    /**
     * {@code model} with batched rows whose {@code step(int[], int)} throws once {@code failNextStep} is set (and
     * clears it); every other call goes to the model and its rows.
     */
    private static LanguageModel failingRows(LanguageModel model, AtomicBoolean failNextStep) {
        InvocationHandler rows = (proxy, method, args) -> method.getName().equals("newRows")
                ? failingStep(model.newRows((int) args[0]), failNextStep) : call(method, model, args);
        return (LanguageModel) Proxy.newProxyInstance(LanguageModel.class.getClassLoader(),
                new Class<?>[] {LanguageModel.class}, rows);
    }

    private static RecurrentRows failingStep(RecurrentRows rows, AtomicBoolean failNextStep) {
        InvocationHandler step = (proxy, method, args) -> {
            if (method.getName().equals("step") && args.length == 2 && failNextStep.getAndSet(false)) {
                throw new IllegalStateException("the batched step failed");
            }
            return call(method, rows, args);
        };
        return (RecurrentRows) Proxy.newProxyInstance(RecurrentRows.class.getClassLoader(),
                new Class<?>[] {RecurrentRows.class}, step);
    }

    private static Object call(Method method, Object target, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
