/**
 * textgen's samplers ({@code temperature}, {@code greedy}, {@code top-k}, {@code top-p}, {@code min-p}). An
 * application names them in the config and gets them through {@code dev.textgen.api.spi.Samplers}, so nothing
 * here is exported.
 */
module dev.textgen.sampling {
    requires dev.textgen.api;

    provides dev.textgen.api.spi.SamplerProvider with
            dev.textgen.sampling.TemperatureSamplerProvider,
            dev.textgen.sampling.GreedySamplerProvider,
            dev.textgen.sampling.TopKSamplerProvider,
            dev.textgen.sampling.TopPSamplerProvider,
            dev.textgen.sampling.MinPSamplerProvider;
}
