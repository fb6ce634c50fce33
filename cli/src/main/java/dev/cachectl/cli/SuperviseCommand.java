package dev.cachectl.cli;

import dev.cachectl.lifecycle.Supervisor;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** The idle supervisor's entry point; started detached by {@code start --idle-timeout}, not by hand. */
@Command(name = "supervise", hidden = true, description = "Run the idle supervisor of this home (started automatically).")
public final class SuperviseCommand implements Runnable {

    @ParentCommand
    CachectlCommand top;

    @Override
    public void run() {
        new Supervisor(top.lifecycle()).run();
    }
}
