package dev.textgen.server;

import dev.textgen.api.LanguageModel;
import dev.textgen.api.Session;
import dev.textgen.api.TextGenerator;
import dev.textgen.api.UnknownChars;
import dev.textgen.api.Vocabulary;
import dev.textgen.api.config.GenerationConfig;
import dev.textgen.api.config.SamplerConfig;
import dev.textgen.api.config.TextgenConfig;
import dev.textgen.api.io.ModelWeights;
import dev.textgen.api.spi.RecurrentRows;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The engine on its own: a batched step that fails ends the jobs in it with an error and the engine runs on; a job
 * larger than the batch is refused.
 */
class BatchEngineTest {

    @Test
    void aFailingStepFailsItsJobsAndTheNextJobsRun() throws Exception {
        AtomicBoolean fail = new AtomicBoolean(true);
        LanguageModel model = new FailingOnce(TinyModel.generator().model(), fail);
        TextGenerator generator = TinyModel.generator().withConfig(settings(GenerationConfig.Context.STATEFUL));
        try (BatchEngine engine = new BatchEngine("test", model, 4, 4, new Metrics())) {
            CompletableFuture<Job.Outcome> first = new CompletableFuture<>();
            engine.submit(List.of(engine.newJob(generator, "the cat", 20, 0, listener(first), deadline())));
            assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(Job.Outcome.ERROR);

            CompletableFuture<Job.Outcome> second = new CompletableFuture<>();
            engine.submit(List.of(engine.newJob(generator, "the cat", 20, 0, listener(second), deadline())));
            assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo(Job.Outcome.LENGTH);

            TextGenerator window = TinyModel.generator().withConfig(settings(GenerationConfig.Context.WINDOW));
            assertThatThrownBy(() -> engine.submit(List.of(engine.newJob(window, "the", 5, 0, listener(second), deadline()))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("a job of 10 rows never fits in a batch of 4");
        }
    }

    private static GenerationConfig settings(GenerationConfig.Context context) {
        return new GenerationConfig(SamplerConfig.defaults(), 20, context, UnknownChars.ERROR, " ", 1L, List.of());
    }

    private static long deadline() {
        return System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
    }

    private static Job.Listener listener(CompletableFuture<Job.Outcome> outcome) {
        return new Job.Listener() {
            @Override
            public void onChunk(Job job, String chunk) {
            }

            @Override
            public void onEnd(Job job, Job.Outcome ended, RuntimeException failure) {
                outcome.complete(ended);
            }
        };
    }

    /** A model whose batched rows fail their first batched step while {@code fail} is set, then clear it. */
    private record FailingOnce(LanguageModel model, AtomicBoolean fail) implements LanguageModel {
        @Override
        public RecurrentRows newRows(int rows) {
            RecurrentRows batch = model.newRows(rows);
            return new RecurrentRows() {
                @Override
                public int rows() {
                    return batch.rows();
                }

                @Override
                public void reset() {
                    batch.reset();
                }

                @Override
                public void reset(int row) {
                    batch.reset(row);
                }

                @Override
                public void step(int id) {
                    batch.step(id);
                }

                @Override
                public void step(int[] ids, int count) {
                    if (fail.getAndSet(false)) {
                        throw new IllegalStateException("a step failed");
                    }
                    batch.step(ids, count);
                }

                @Override
                public void move(int from, int to, int count) {
                    batch.move(from, to, count);
                }

                @Override
                public float[] probabilities(int row, float[] out) {
                    return batch.probabilities(row, out);
                }
            };
        }

        @Override
        public Vocabulary vocabulary() {
            return model.vocabulary();
        }

        @Override
        public TextgenConfig config() {
            return model.config();
        }

        @Override
        public float[] predict(int[] context, int from, int to, float[] out) {
            return model.predict(context, from, to, out);
        }

        @Override
        public Session newSession() {
            return model.newSession();
        }

        @Override
        public ModelWeights weights() {
            return model.weights();
        }

        @Override
        public Optional<String> defaultPrompt() {
            return model.defaultPrompt();
        }

        @Override
        public String backend() {
            return model.backend();
        }
    }
}
