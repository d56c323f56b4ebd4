/** Corpora for textgen: loading from a path, an http(s) URL (cached, checked) or the class path; normalisation; windows. */
module dev.textgen.corpus {
    requires transitive dev.textgen.api;
    requires java.net.http;

    exports dev.textgen.corpus;
}
