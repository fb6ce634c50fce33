package dev.cachectl.status.advice;

import java.util.Optional;

/** One check of an instance; a new piece of advice is one more small class in {@link Advisor#standard()}. */
public interface Rule {

    /** The rule's name in JSON and in {@code --check} lines, lower-case, with underscores. */
    String name();

    Optional<Finding> check(Subject subject);

    default Finding finding(Subject subject, String measure, String advice) {
        return new Finding(subject.name(), name(), measure, advice);
    }
}
