/**
 * Reading corpora for training: {@link dev.textgen.corpus.CorpusSource} resolves a file, a {@code classpath:}
 * resource, an http(s) URL or a known name, downloading through the checksummed, atomically written
 * {@link dev.textgen.corpus.DatasetCache}; {@link dev.textgen.corpus.Corpus} decodes and normalises the text in
 * one streaming pass into a compact id array (one byte per symbol for vocabularies up to 256) and cuts it into
 * the reference notebook's windows with implicit offsets, so memory grows with the text, never with windows x maxlen x
 * vocabulary.
 */
package dev.textgen.corpus;
