package dev.cachectl.testing;

import java.nio.file.Path;

/** The repository root, for tests that check files kept in it (README, completions). */
public final class Repo {

    private Repo() {
    }

    public static Path root() {
        String configured = System.getProperty("cachectl.repo");
        Path root = configured != null ? Path.of(configured) : Path.of("").toAbsolutePath().getParent();
        return root.toAbsolutePath().normalize();
    }
}
