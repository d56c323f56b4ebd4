/** An application on the module path that uses textgen as its README shows: it names no backend and no sampler. */
module textgen.example {
    requires dev.textgen.api;
    requires dev.textgen.corpus;
}
