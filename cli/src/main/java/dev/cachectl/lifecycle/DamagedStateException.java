package dev.cachectl.lifecycle;

import dev.cachectl.CachectlException;
import dev.cachectl.ExitCode;

import java.nio.file.Path;

/** A state file that cannot be read as one (torn, edited, garbage): stop and status then look for the server another way. */
public final class DamagedStateException extends CachectlException {
    private final transient Path file;

    DamagedStateException(Path file, String name, String why) {
        super(ExitCode.FAILED, "state file " + file + " is damaged (" + why + "); 'cachectl stop " + name
                + "' stops a server still running from its folder and removes it");
        this.file = file;
    }

    public Path file() {
        return file;
    }
}
