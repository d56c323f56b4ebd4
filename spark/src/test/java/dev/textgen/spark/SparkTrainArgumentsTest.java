package dev.textgen.spark;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The spark-submit command line: what it accepts and how it says what is wrong. */
class SparkTrainArgumentsTest {

    @Test
    void aNewRunAndAResumedOneAreRead() {
        SparkTrain.Arguments run = SparkTrain.Arguments.parse("--config", "hdfs:///c.json", "--corpus", "s3a://b/t.txt",
                "--model", "file:///m.safetensors", "--checkpoints", "hdfs:///ck");
        assertThat(run).isEqualTo(new SparkTrain.Arguments("hdfs:///c.json", null, "s3a://b/t.txt", "file:///m.safetensors",
                "hdfs:///ck"));
        assertThat(SparkTrain.Arguments.parse("--resume", "hdfs:///ck/epoch-0002.safetensors", "--corpus", "t.txt",
                "--model", "m.safetensors").resume()).isEqualTo("hdfs:///ck/epoch-0002.safetensors");
    }

    @Test
    void badCommandLinesSayWhatIsWrong() {
        assertThatThrownBy(() -> SparkTrain.Arguments.parse("--corpus", "t.txt", "--model", "m.safetensors"))
                .hasMessage("give exactly one of --config (a new run) and --resume (a checkpoint)");
        assertThatThrownBy(() -> SparkTrain.Arguments.parse("--config", "c.json", "--resume", "r", "--corpus", "t",
                "--model", "m")).hasMessage("give exactly one of --config (a new run) and --resume (a checkpoint)");
        assertThatThrownBy(() -> SparkTrain.Arguments.parse("--config", "c.json", "--model", "m.safetensors"))
                .hasMessage("--corpus and --model are required");
        assertThatThrownBy(() -> SparkTrain.Arguments.parse("--config", "c.json", "--epochs", "3"))
                .hasMessage("unknown option --epochs; allowed: --config, --resume, --corpus, --model, --checkpoints");
        assertThatThrownBy(() -> SparkTrain.Arguments.parse("--config"))
                .hasMessage("--config needs a value");
    }
}
