package dev.textgen.api.config;

/**
 * The whole configuration: one JSON document with sections {@code corpus}, {@code model},
 * {@code training}, {@code generation} and {@code spark} (read only by the Spark trainer). Every field has a
 * default, and the defaults reproduce the reference notebook (Deep Learning with Python 8.1). Read it with
 * {@link ConfigLoader}, which reports bad values
 * with their JSON path and line:column.
 */
public record TextgenConfig(CorpusConfig corpus, ModelConfig model, TrainingConfig training, GenerationConfig generation,
                            SparkConfig spark) {

    public TextgenConfig {
        Require.present("corpus", corpus);
        Require.present("model", model);
        Require.present("training", training);
        Require.present("generation", generation);
        Require.present("spark", spark);
    }

    /** The reference notebook's setup. */
    public static TextgenConfig defaults() {
        return new TextgenConfig(CorpusConfig.defaults(), ModelConfig.defaults(), TrainingConfig.defaults(),
                GenerationConfig.defaults(), SparkConfig.defaults());
    }

    public TextgenConfig withCorpus(CorpusConfig value) {
        return new TextgenConfig(value, model, training, generation, spark);
    }

    public TextgenConfig withModel(ModelConfig value) {
        return new TextgenConfig(corpus, value, training, generation, spark);
    }

    public TextgenConfig withTraining(TrainingConfig value) {
        return new TextgenConfig(corpus, model, value, generation, spark);
    }

    public TextgenConfig withGeneration(GenerationConfig value) {
        return new TextgenConfig(corpus, model, training, value, spark);
    }

    public TextgenConfig withSpark(SparkConfig value) {
        return new TextgenConfig(corpus, model, training, generation, value);
    }
}
