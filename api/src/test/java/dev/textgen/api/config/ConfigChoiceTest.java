package dev.textgen.api.config;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ConfigChoiceTest {

    @Test
    void aChoiceIsFoundByItsJsonNameAndNotByItsConstantName() {
        assertThat(ConfigChoice.of(TrainingConfig.Loss.class, "all-steps")).contains(TrainingConfig.Loss.ALL_STEPS);
        assertThat(ConfigChoice.of(ModelConfig.RecurrentActivation.class, "hard_sigmoid"))
                .contains(ModelConfig.RecurrentActivation.HARD_SIGMOID);
        assertThat(ConfigChoice.of(GenerationConfig.Context.class, "WINDOW")).isEmpty();
        assertThat(ConfigChoice.of(GenerationConfig.Context.class, "windows")).isEmpty();
    }
}
