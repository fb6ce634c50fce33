package dev.cachectl.cli;

import dev.cachectl.Cachectl;
import dev.cachectl.Environment;
import picocli.CommandLine;
import picocli.CommandLine.Help.Ansi;
import picocli.codegen.docgen.manpage.ManPageGenerator;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Build-time only, not a command: writes the AsciiDoc source of a man page per command (cachectl.adoc,
 * cachectl-start.adoc, ...) from the same picocli model the CLI runs, with picocli-codegen's
 * ManPageGenerator; {@code mvn package} then renders them as man(1) pages for the release. picocli-codegen
 * is a build dependency, left out of cachectl.jar with this class.
 */
public final class ManPages {

    private ManPages() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: ManPages OUTPUT_DIR");
            System.exit(2);
        }
        write(Path.of(args[0]));
    }

    /** The AsciiDoc man page sources of the root command and of every command help lists. */
    public static void write(Path dir) throws IOException {
        CommandLine root = Cachectl.commandLine(new Environment(Map.of(), Path.of("")), Ansi.OFF);
        // hidden commands (the idle supervisor's) and help are no part of the manual
        root.getSubcommands().values().stream().filter(c -> c.getCommandSpec().usageMessage().hidden() || c.getCommandSpec().helpCommand()).toList()
                .forEach(c -> root.getCommandSpec().removeSubcommand(c.getCommandName()));
        File out = dir.toFile();
        if (!out.isDirectory() && !out.mkdirs()) {
            throw new IOException("cannot create " + dir);
        }
        int code = ManPageGenerator.generateManPage(out, null, new boolean[] {false}, true, root.getCommandSpec());
        if (code != 0) {
            throw new IOException("man page generator exited " + code);
        }
    }
}
