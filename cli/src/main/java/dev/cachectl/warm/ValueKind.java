package dev.cachectl.warm;

/**
 * How a record becomes a Redis value: one field as a string, every field as a hash, or the whole
 * record as a JSON string. Lower-case because help and completion show them as typed.
 */
public enum ValueKind {
    string, hash, json
}
