/**
 * The textgen SDK: {@link dev.textgen.sdk.TrainingRun}, a training run in a run folder,
 * {@link dev.textgen.sdk.Benchmark}, the timing of a config on its backend, and through its
 * transitive requirements the API and corpora. The samplers, the scratch backend and the bundled corpus are
 * runtime dependencies: the backend and samplers are found by the API's {@link java.util.ServiceLoader} uses,
 * and the corpus as a class path resource.
 */
module dev.textgen.sdk {
    requires transitive dev.textgen.api;
    requires transitive dev.textgen.corpus;

    exports dev.textgen.sdk;
}
