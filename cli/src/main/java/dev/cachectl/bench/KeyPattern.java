package dev.cachectl.bench;

/** How a run picks the key of each operation from the keyspace. Lower-case: help shows them as typed. */
public enum KeyPattern { uniform, zipf, sequential }
