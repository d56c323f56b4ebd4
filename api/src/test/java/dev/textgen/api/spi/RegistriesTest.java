package dev.textgen.api.spi;

import dev.textgen.api.BackendUnavailableException;
import dev.textgen.api.ConfigException;
import dev.textgen.api.Sampler;
import dev.textgen.api.config.SamplerConfig;
import dev.textgen.api.testing.TestDoubleBackend;
import dev.textgen.api.testing.TestDoubleProvider;
import dev.textgen.api.testing.TestDoubleSamplerProvider;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RegistriesTest {

    @Test
    void serviceFilesRegisterTheTestDoubleBackend() {
        Backends backends = Backends.installed();

        assertThat(backends.names()).contains(TestDoubleProvider.NAME);
        assertThat(backends.provider(TestDoubleProvider.NAME)).isInstanceOf(TestDoubleProvider.class);
        assertThat(backends.get(TestDoubleProvider.NAME)).isInstanceOf(TestDoubleBackend.class);
    }

    @Test
    void anUnknownBackendListsTheAvailableOnesWithDidYouMean() {
        Backends backends = Backends.of(List.of(new CountingProvider("scratch"), new CountingProvider("fast-lstm")));

        assertThatThrownBy(() -> backends.get("scrach"))
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessage("unknown backend \"scrach\"; available: fast-lstm, scratch; did you mean \"scratch\"?");
        assertThatThrownBy(() -> backends.get("tensorflow"))
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessage("unknown backend \"tensorflow\"; available: fast-lstm, scratch");
    }

    @Test
    void aKnownBackendThatIsNotInstalledNamesItsArtifact() {
        Backends backends = Backends.of(List.of(new CountingProvider("scratch")));

        assertThatThrownBy(() -> backends.get("dl4j"))
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("the backend \"dl4j\" is not on the classpath")
                .hasMessageContaining("add the Maven artifact dev.textgen:textgen-backend-dl4j")
                .hasMessageContaining("available here: scratch");
        assertThatThrownBy(() -> Backends.of(List.of()).get("scratch"))
                .hasMessageContaining("dev.textgen:textgen-backend-scratch")
                .hasMessageContaining("available here: none");
    }

    @Test
    void backendsAreCreatedLazilyAndOncePerRegistry() throws Exception {
        CountingProvider provider = new CountingProvider("counted");
        Backends backends = Backends.of(List.of(provider));

        assertThat(backends.names()).containsExactly("counted");
        assertThat(backends.provider("counted")).isSameAs(provider);
        assertThat(provider.created.get()).as("finding a provider creates nothing").isZero();

        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Backend>> got = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                got.add(pool.submit(() -> backends.get("counted")));
            }
            Backend first = got.get(0).get();
            for (Future<Backend> backend : got) {
                assertThat(backend.get()).isSameAs(first);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(provider.created.get()).isEqualTo(1);
        Backends.of(List.of(provider)).get("counted");
        assertThat(provider.created.get()).as("another registry creates its own").isEqualTo(2);
    }

    @Test
    void aBackendThatFailsToStartSaysSo() {
        BackendProvider broken = new CountingProvider("broken") {
            @Override
            public Backend create() {
                throw new UnsatisfiedLinkError("no jnind4jcpu in java.library.path");
            }
        };

        assertThatThrownBy(() -> Backends.of(List.of(broken)).get("broken"))
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("the backend \"broken\" failed to start")
                .hasMessageContaining("no jnind4jcpu")
                .hasCauseInstanceOf(UnsatisfiedLinkError.class);
    }

    @Test
    void twoProvidersOfOneNameAreAnError() {
        assertThatThrownBy(() -> Backends.of(List.of(new CountingProvider("twin"), new CountingProvider("twin") {
        }))).isInstanceOf(BackendUnavailableException.class).hasMessageContaining("two backend providers are named \"twin\"");
    }

    @Test
    void anUnknownSamplerListsTheAvailableOnes() {
        Samplers samplers = Samplers.of(List.of(new TestDoubleSamplerProvider()));

        assertThatThrownBy(() -> samplers.create(SamplerConfig.of("test-double-sampelr")))
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessage("unknown sampler \"test-double-sampelr\"; available: test-double-sampler;"
                        + " did you mean \"test-double-sampler\"?");
        assertThatThrownBy(() -> samplers.create(SamplerConfig.of("top-k", "k", 40)))
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("add the Maven artifact dev.textgen:textgen-sampling");
    }

    @Test
    void samplerParametersAreCheckedByNameAndRange() {
        Samplers samplers = Samplers.of(List.of(new TestDoubleSamplerProvider()));

        assertThatThrownBy(() -> samplers.create(SamplerConfig.of(TestDoubleSamplerProvider.NAME, "tempreature", 0.5)))
                .isInstanceOfSatisfying(ConfigException.class, e ->
                        assertThat(e.path()).contains("generation.sampler.tempreature"))
                .hasMessageContaining("has no parameter \"tempreature\"; its parameters: temperature")
                .hasMessageContaining("did you mean \"temperature\"");
        assertThatThrownBy(() -> samplers.create(SamplerConfig.of(TestDoubleSamplerProvider.NAME, "temperature", -2)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("generation.sampler (test-double-sampler): temperature -2.0 must be >= 0");
    }

    @Test
    void samplersGetTheDefaultsOfParametersLeftOut() {
        List<SamplerConfig> seen = new ArrayList<>();
        SamplerProvider recording = new SamplerProvider() {
            @Override
            public String name() {
                return "recording";
            }

            @Override
            public String description() {
                return "records its config";
            }

            @Override
            public Map<String, Double> defaults() {
                return Map.of("k", 40.0, "temperature", 1.0);
            }

            @Override
            public Sampler create(SamplerConfig config) {
                seen.add(config);
                return (probabilities, random) -> 0;
            }
        };

        Samplers.of(List.of(recording)).create(SamplerConfig.of("recording", "temperature", 0.7));

        assertThat(seen).singleElement().satisfies(config ->
                assertThat(config.parameters()).containsOnly(Map.entry("k", 40.0), Map.entry("temperature", 0.7)));
    }

    /** A provider that counts how often its backend is created. */
    private static class CountingProvider implements BackendProvider {
        private final String name;
        final AtomicInteger created = new AtomicInteger();

        CountingProvider(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String description() {
            return "counts creations";
        }

        @Override
        public Backend create() {
            created.incrementAndGet();
            return new TestDoubleBackend();
        }
    }
}
