package dev.textgen.api.config;

/**
 * The whole configuration: one JSON document with sections {@code corpus}, {@code model},
 * {@code training}, {@code generation} and {@code spark} (read only by the Spark trainer). Every field has a
 * default, and the defaults reproduce the reference notebook (Deep Learning with Python 8.1). Read it with
 * {@link ConfigLoader}, which reports bad values
 * with their JSON path and line:column.
 *
 * @param corpus where the text comes from and how it is cut into windows
 * @param model the network and its backend
 * @param training how to train
 * @param generation how text is generated
 * @param spark how the Spark trainer distributes training; ignored elsewhere
 */
public record TextgenConfig(CorpusConfig corpus, ModelConfig model, TrainingConfig training, GenerationConfig generation,
                            SparkConfig spark) {

    /**
     * Checks that every section is present, naming the missing one in a {@link dev.textgen.api.ConfigException}.
     *
     * @param corpus not null
     * @param model not null
     * @param training not null
     * @param generation not null
     * @param spark not null
     */
    public TextgenConfig {
        Require.present("corpus", corpus);
        Require.present("model", model);
        Require.present("training", training);
        Require.present("generation", generation);
        Require.present("spark", spark);
    }

    /**
     * The reference notebook's setup.
     *
     * @return the defaults of every section
     */
    public static TextgenConfig defaults() {
        return new TextgenConfig(CorpusConfig.defaults(), ModelConfig.defaults(), TrainingConfig.defaults(),
                GenerationConfig.defaults(), SparkConfig.defaults());
    }

    /**
     * This config with another {@link #corpus()}.
     *
     * @param value the corpus section
     * @return a copy with {@code corpus} replaced
     */
    public TextgenConfig withCorpus(CorpusConfig value) {
        return new TextgenConfig(value, model, training, generation, spark);
    }

    /**
     * This config with another {@link #model()}.
     *
     * @param value the model section
     * @return a copy with {@code model} replaced
     */
    public TextgenConfig withModel(ModelConfig value) {
        return new TextgenConfig(corpus, value, training, generation, spark);
    }

    /**
     * This config with another {@link #training()}.
     *
     * @param value the training section
     * @return a copy with {@code training} replaced
     */
    public TextgenConfig withTraining(TrainingConfig value) {
        return new TextgenConfig(corpus, model, value, generation, spark);
    }

    /**
     * This config with another {@link #generation()}.
     *
     * @param value the generation section
     * @return a copy with {@code generation} replaced
     */
    public TextgenConfig withGeneration(GenerationConfig value) {
        return new TextgenConfig(corpus, model, training, value, spark);
    }

    /**
     * This config with another {@code spark} section.
     *
     * @param value the new section
     * @return a copy with {@code spark} replaced
     */
    public TextgenConfig withSpark(SparkConfig value) {
        return new TextgenConfig(corpus, model, training, generation, value);
    }
}
