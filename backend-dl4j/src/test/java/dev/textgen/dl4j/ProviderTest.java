package dev.textgen.dl4j;

import dev.textgen.api.BackendUnavailableException;
import dev.textgen.api.LanguageModel;
import dev.textgen.api.Session;
import dev.textgen.api.io.ModelWeights;
import dev.textgen.api.io.StoredModel;
import dev.textgen.api.spi.Backend;
import dev.textgen.api.spi.BackendProvider;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** Discovery stays light, a failed native load explains itself, and a loaded model is shared safely. */
class ProviderTest {

    /** Loads every class itself (parent: the platform loader) and records the names. */
    private static final class RecordingLoader extends URLClassLoader {
        final List<String> loaded = new ArrayList<>();

        RecordingLoader(URL[] urls) {
            super(urls, ClassLoader.getPlatformClassLoader());
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            synchronized (getClassLoadingLock(name)) {
                if (findLoadedClass(name) == null) {
                    loaded.add(name);
                }
                return super.loadClass(name, resolve);
            }
        }
    }

    @Test
    void discoveryAndNameLoadNoNd4jOrDl4jClass() throws Exception {
        List<URL> urls = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            urls.add(toUrl(entry));
        }
        try (RecordingLoader loader = new RecordingLoader(urls.toArray(URL[]::new))) {
            Class<?> spi = loader.loadClass(BackendProvider.class.getName());
            List<String> names = new ArrayList<>();
            List<String> descriptions = new ArrayList<>();
            for (Object provider : ServiceLoader.load(spi, loader)) {
                names.add((String) spi.getMethod("name").invoke(provider));
                descriptions.add((String) spi.getMethod("description").invoke(provider));
            }
            assertThat(names).contains("dl4j");
            assertThat(descriptions).anyMatch(d -> d.contains("Deeplearning4j"));
            assertThat(loader.loaded).contains(Dl4jBackendProvider.class.getName())
                    .noneMatch(name -> name.startsWith("org.nd4j.") || name.startsWith("org.deeplearning4j.")
                            || name.startsWith("org.bytedeco."));
        }
    }

    private static URL toUrl(String entry) {
        try {
            return new File(entry).toURI().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aNativeLoadFailureNamesThePlatformTheCauseAndTheWayOut() {
        BackendUnavailableException e = Dl4jBackend.unavailable(new ExceptionInInitializerError(
                new UnsatisfiedLinkError("no jnind4jcpu in java.library.path")));
        assertThat(e.getMessage()).contains("dl4j", System.getProperty("os.arch"), "UnsatisfiedLinkError",
                "no jnind4jcpu", "javacpp.platform", "scratch");
        assertThat(e.getCause()).isInstanceOf(ExceptionInInitializerError.class);
    }

    @Test
    void aModelSharedByFourThreadsAnswersAsItDoesAlone() throws Exception {
        Backend backend = new Dl4jBackendProvider().create();
        assertThat(backend.name()).isEqualTo("dl4j");
        int v = 30;
        ModelWeights weights = Fixtures.weights(v, 16, 2, 0.4, 41);
        LanguageModel model = backend.load(new StoredModel(Fixtures.config(16, 2, "sigmoid", 0, 20),
                Fixtures.vocabulary(v), weights, "seed", null));
        assertThat(model.backend()).isEqualTo("dl4j");
        assertThat(model.maxlen()).isEqualTo(20);
        int[] text = Fixtures.text(200, v, 42);
        float[][] alone = new float[8][];
        float[][] stepped = new float[8][];
        for (int i = 0; i < 8; i++) {
            alone[i] = model.predict(text, 0, 30 + 20 * i, new float[v]);
            stepped[i] = steps(model, text, 10 + i, v);
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> answers = new ArrayList<>();
            for (int task = 0; task < 16; task++) {
                int i = task % 8;
                answers.add(pool.submit(() -> Arrays.equals(model.predict(text, 0, 30 + 20 * i, new float[v]), alone[i])
                        && Arrays.equals(steps(model, text, 10 + i, v), stepped[i])));
            }
            for (Future<Boolean> answer : answers) {
                assertThat(answer.get()).isTrue();
            }
        } finally {
            pool.shutdown();
        }
    }

    private static float[] steps(LanguageModel model, int[] text, int count, int v) {
        try (Session session = model.newSession()) {
            for (int t = 0; t < count; t++) {
                session.feed(text[t]);
            }
            return session.probabilities(new float[v]);
        }
    }
}
