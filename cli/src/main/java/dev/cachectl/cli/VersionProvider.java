package dev.cachectl.cli;

import picocli.CommandLine;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.ParseResult;

/**
 * The version from the jar manifest, or "dev" when running from classes: {@code cachectl VERSION}, and with
 * {@code --json} the same as one document (docs/schema/version.schema.json).
 */
public final class VersionProvider implements IVersionProvider {

    /** What {@code --version} says. */
    record Version(String name, String version) {
    }

    static Version version() {
        String v = VersionProvider.class.getPackage().getImplementationVersion();
        return new Version("cachectl", v == null ? "dev" : v);
    }

    @Override
    public String[] getVersion() {
        Version v = version();
        return new String[]{v.name() + " " + v.version()};
    }

    /**
     * How the front door runs a parsed command line: picocli's own way, except that {@code --version} with
     * {@code --json} prints the document rather than picocli's text.
     */
    public static int execute(ParseResult parsed) {
        if (parsed.isVersionHelpRequested() && asksForJson(parsed)) {
            Output.printJson(parsed.commandSpec().commandLine().getOut(), version());
            return parsed.commandSpec().exitCodeOnVersionHelp();
        }
        return new CommandLine.RunLast().execute(parsed);
    }

    private static boolean asksForJson(ParseResult parsed) {
        for (ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--json")) {
                return true;
            }
        }
        return false;
    }
}
