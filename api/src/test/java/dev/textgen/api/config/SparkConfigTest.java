package dev.textgen.api.config;

import dev.textgen.api.ConfigException;
import dev.textgen.api.config.SparkConfig.LearningRateScale;
import dev.textgen.api.spi.Samplers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code spark} section: the workers' learning-rate rule, its JSON form and the withers. */
class SparkConfigTest {
    private static final Samplers SAMPLERS = TestSamplerProvider.samplers();

    private static SparkConfig parse(String spark) {
        return ConfigLoader.parse("{\"spark\": " + spark + "}", "spark.json", SAMPLERS).spark();
    }

    @Test
    void theRuleScalesTheLearningRateByTheNumberOfWorkersAndKeepsItForOne() {
        assertThat(LearningRateScale.AUTO.factor(1)).isEqualTo(1.0);
        assertThat(LearningRateScale.AUTO.factor(2)).isEqualTo(2.0);
        assertThat(LearningRateScale.AUTO.factor(64)).isEqualTo(64.0);
        assertThat(SparkConfig.defaults().withWorkers(1).workerLearningRate(0.01)).isEqualTo(0.01);
        assertThat(SparkConfig.defaults().withWorkers(4).workerLearningRate(0.01)).isEqualTo(0.04);
    }

    @Test
    void aFixedScaleIgnoresTheNumberOfWorkers() {
        SparkConfig fixed = SparkConfig.defaults().withLearningRateScale(LearningRateScale.fixed(1.5));

        assertThat(fixed.withWorkers(1).workerLearningRate(0.01)).isEqualTo(0.015);
        assertThat(fixed.withWorkers(16).workerLearningRate(0.01)).isEqualTo(0.015);
    }

    @Test
    void theDefaultIsTheRuleAndJsonTakesAutoOrANumber() {
        assertThat(parse("{}").learningRateScale()).isEqualTo(LearningRateScale.AUTO);
        assertThat(parse("{\"learningRateScale\": \"auto\"}").learningRateScale()).isEqualTo(LearningRateScale.AUTO);
        assertThat(parse("{\"learningRateScale\": 1}").learningRateScale()).isEqualTo(LearningRateScale.fixed(1));
        assertThat(parse("{\"learningRateScale\": 2.5}").learningRateScale()).isEqualTo(LearningRateScale.fixed(2.5));
    }

    @Test
    void toJsonWritesAutoOrTheNumberAndReadsItBack() {
        TextgenConfig auto = TextgenConfig.defaults();
        TextgenConfig fixed = auto.withSpark(auto.spark().withLearningRateScale(LearningRateScale.fixed(3)));

        assertThat(ConfigLoader.toJson(auto)).contains("\"learningRateScale\": \"auto\"");
        assertThat(ConfigLoader.toJson(fixed)).contains("\"learningRateScale\": 3.0");
        assertThat(ConfigLoader.parse(ConfigLoader.toJson(fixed), "round trip", SAMPLERS)).isEqualTo(fixed);
    }

    @Test
    void eachWitherReplacesOneField() {
        SparkConfig base = SparkConfig.defaults();
        SparkConfig changed = base.withWorkers(4).withLocalSteps(16).withWarmupRounds(3).withWarmupLocalSteps(2)
                .withOptimizerState(SparkConfig.OptimizerState.RESET).withLearningRateScale(LearningRateScale.fixed(1));

        assertThat(changed).isEqualTo(new SparkConfig(4, 16, 3, 2, SparkConfig.OptimizerState.RESET,
                LearningRateScale.fixed(1)));
        assertThat(base).isEqualTo(SparkConfig.defaults());
    }

    @ParameterizedTest
    @ValueSource(doubles = {0, -1, Double.NaN, Double.POSITIVE_INFINITY})
    void aScaleThatIsNotAPositiveNumberIsRejectedNamingTheField(double factor) {
        assertThatThrownBy(() -> LearningRateScale.fixed(factor))
                .isInstanceOf(ConfigException.class)
                .hasMessage("spark.learningRateScale: " + factor + " is invalid; allowed: \"auto\" or a finite number > 0");
    }

    @Test
    void nullOrAnotherWordIsRejectedNamingTheField() {
        assertThatThrownBy(() -> parse("{\"learningRateScale\": null}"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("spark.learningRateScale: null is invalid");
        assertThatThrownBy(() -> parse("{\"learningRateScale\": \"linear\"}"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("spark.learningRateScale: \"linear\" is invalid; allowed: \"auto\" or a finite number > 0");
        assertThatThrownBy(() -> parse("{\"learningRateScale\": true}"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("spark.learningRateScale: true is invalid; allowed: \"auto\" or a finite number > 0");
    }
}
