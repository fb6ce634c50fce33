package dev.cachectl.warm.source;

/** The formats a file or stdin may hold; lower-case because help and completion show them as typed. */
public enum SourceFormat {
    auto, jsonl, csv
}
