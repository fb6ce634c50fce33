package dev.cachectl.shell;

import dev.cachectl.Cachectl;
import dev.cachectl.Cancellation;
import dev.cachectl.Environment;
import dev.cachectl.ExitCode;
import dev.cachectl.lifecycle.Home;
import dev.cachectl.lifecycle.ProcessIdentity;
import dev.cachectl.lifecycle.StateStore;
import dev.cachectl.util.FileWrites;
import dev.cachectl.util.SecureFiles;
import org.jline.reader.Completer;
import org.jline.reader.EOFError;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.Parser;
import org.jline.reader.SyntaxError;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code cachectl shell}: cachectl commands typed (or piped) one per line, each run through the front
 * door exactly as on the command line, in one JVM. On a terminal: completion, history, Ctrl-C stops
 * the running command (by its own interruption rules) and not the shell, Ctrl-D or {@code exit}
 * leaves. Without one: lines are run in order, and the first that fails ends the shell with its code.
 */
public final class Shell {
    private final Environment env;
    private final GlobalOptions globals;
    private final Home home;
    private final PrintWriter out;
    private final PrintWriter err;
    /**
     * Words as bash splits them. A backslash at the end of a line continues the command on the next, in a script too;
     * an unclosed quote is an error in a script and a continuation line on a terminal: never dropped.
     */
    private final Parser parser;
    /** A byte order mark, which some editors put at the start of a file: not part of the first command. */
    private static final String BOM = "\uFEFF";
    /** The POSIX numbers of the signals a shell takes, for its exit code 128+N. */
    private static final Map<String, Integer> SIGNAL_NUMBERS = Map.of("HUP", 1, "INT", 2, "TERM", 15);
    private volatile Thread running;
    private volatile Cancellation listening;

    /**
     * @param env     the shell's own environment (its variables and working directory are each line's)
     * @param globals the global options given to {@code cachectl shell}, applied to each line that does not set them
     * @param home    where the history lives, and whose running instances the prompt counts
     */
    public Shell(Environment env, GlobalOptions globals, Home home, PrintWriter out, PrintWriter err) {
        this.env = env;
        this.globals = globals;
        this.home = home;
        this.out = out;
        this.err = err;
        String user = env.get("HOME");
        this.parser = new ShellParser(user == null || user.isEmpty() ? System.getProperty("user.home") : user);
    }

    /**
     * Runs each line of {@code in}; the first that fails ends the script with its exit code, and so does one during
     * which a signal came (the command wound down by its own rules: whoever sent it wants the script to end).
     */
    public int script(BufferedReader in) throws IOException {
        int number = 0;
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            number++;
            if (number == 1 && line.startsWith(BOM)) {
                line = line.substring(BOM.length());
            }
            List<String> words = null;
            while (words == null) {
                try {
                    words = words(parser.parse(line, line.length(), Parser.ParseContext.ACCEPT_LINE).words());
                } catch (EOFError e) {
                    boolean continued = ShellParser.CONTINUATION.equals(e.getMissing());
                    String next = continued ? in.readLine() : null;
                    if (next == null) {
                        err.println("line " + number + ": " + (continued
                                ? "it ends with a backslash, but no line follows to continue it" : "a quote is not closed"));
                        return ExitCode.USAGE.code();
                    }
                    number++;
                    line = line + "\n" + next;
                } catch (SyntaxError e) {
                    err.println("line " + number + ": " + e.getMessage());
                    return ExitCode.USAGE.code();
                }
            }
            if (words.isEmpty()) {
                continue;
            }
            if (isExit(words)) {
                Integer code = exitCode(words);
                return code == null ? ExitCode.USAGE.code() : code;
            }
            Ran ran = run(words, false);
            if (ran.code() != ExitCode.DONE.code() || !ran.signals().isEmpty()) {
                return ran.shellExitCode();
            }
        }
        return ExitCode.DONE.code();
    }

    /**
     * Reads commands on {@code terminal} until Ctrl-D or {@code exit}, or until a SIGTERM or SIGHUP (a closed
     * terminal, a supervisor) has made the running command wind down; Ctrl-C stops only the running command.
     */
    public int interactive(Terminal terminal, Completer completer) {
        Path history = history();
        int leaving = ExitCode.DONE.code();
        // no history expansion: '!' in a key or a pattern ('user!*') is the user's, as in a script or bash's quotes
        LineReaderBuilder builder = LineReaderBuilder.builder().appName("cachectl").terminal(terminal).parser(parser)
                .completer(completer).option(LineReader.Option.DISABLE_EVENT_EXPANSION, true);
        LineReader reader = (history == null ? builder : builder.variable(LineReader.HISTORY_FILE, history)).build();
        try {
            while (true) {
                String line;
                try {
                    line = reader.readLine(prompt());
                } catch (UserInterruptException e) {
                    continue;
                } catch (EndOfFileException e) {
                    break;
                }
                List<String> words = words(reader.getParsedLine().words());
                if (isExit(words)) {
                    Integer code = exitCode(words);
                    if (code == null) {
                        continue;
                    }
                    leaving = code;
                    break;
                }
                if (!words.isEmpty() && !line.isBlank()) {
                    // Ctrl-C while a command runs is the command's, not the shell's (set each time: the
                    // line reader has its own handler while it reads)
                    terminal.handle(Terminal.Signal.INT, signal -> interruptCommand());
                    Ran ran = run(words, true);
                    terminal.flush();
                    if (ran.signals().contains("TERM") || ran.signals().contains("HUP")) {
                        leaving = ran.shellExitCode();
                        break;
                    }
                }
            }
        } finally {
            if (history != null) {
                saveHistory(reader, history);
            }
        }
        return leaving;
    }

    /** One line: the words typed, with the shell's own global options the line does not override. */
    Ran run(List<String> words, boolean onTerminal) {
        if (words.get(0).equals("shell")) {
            err.println("already in the shell: type the commands here, 'exit' leaves");
            err.flush();
            return new Ran(ExitCode.USAGE.code(), List.of());
        }
        // the process's signals reach the command as when it runs alone; on a terminal Ctrl-C comes from the terminal
        Cancellation.Source process = onTerminal ? env.signals().without("INT") : env.signals();
        AtomicReference<Cancellation> watched = new AtomicReference<>();
        Cancellation.Source signals = token -> {
            watched.set(token);
            listening = token;
            Cancellation.Registration registration = process.watch(token);
            return () -> {
                listening = null;
                registration.close();
            };
        };
        // commands get no stdin: in a script it holds the lines still to run, on a terminal the keys typed
        Environment line = new Environment(env.variables(), env.workingDir(), InputStream.nullInputStream(),
                onTerminal && env.terminal(), onTerminal && env.errorTerminal(), signals);
        running = Thread.currentThread();
        try {
            int code = Cachectl.run(out, err, line, globals.applyTo(words).toArray(String[]::new));
            Cancellation token = watched.get();
            return new Ran(code, token == null ? List.of() : List.copyOf(token.received()));
        } finally {
            running = null;
            listening = null;
            // a Ctrl-C that came after the command's last wait must not reach the next one
            Thread.interrupted();
        }
    }

    /** A line's exit code, and the signals (by name, the first first) that came while it ran. */
    record Ran(int code, List<String> signals) {
        /** When a signal ends the shell: the line's exit code, or 128+N when the line succeeded all the same. */
        int shellExitCode() {
            if (code != ExitCode.DONE.code() || signals.isEmpty()) {
                return code;
            }
            return 128 + SIGNAL_NUMBERS.getOrDefault(signals.get(0), 0);
        }
    }

    /** The command's own way to stop when it has one (migrate saves its checkpoint); else its thread is interrupted. */
    private void interruptCommand() {
        Thread thread = running;
        if (thread == null) {
            return;
        }
        Cancellation token = listening;
        if (token == null || token.signal("INT") == Cancellation.Request.REPEATED) {
            thread.interrupt();
        }
    }

    /** The words of a line, without a leading {@code cachectl} (as pasted from a script); a quoted '' is a word. */
    static List<String> words(List<String> parsed) {
        List<String> words = new ArrayList<>(parsed);
        if (!words.isEmpty() && words.get(0).equals("cachectl")) {
            words.remove(0);
        }
        return words;
    }

    /** {@code exit} or {@code quit}, with or without N. */
    private static boolean isExit(List<String> words) {
        return !words.isEmpty() && (words.get(0).equals("exit") || words.get(0).equals("quit"));
    }

    /** N of {@code exit N} (0 without one), as in a shell; null, said on stderr, when N is not a number from 0 to 255. */
    private Integer exitCode(List<String> words) {
        if (words.size() == 1) {
            return ExitCode.DONE.code();
        }
        if (words.size() == 2 && words.get(1).matches("\\d{1,3}") && Integer.parseInt(words.get(1)) <= 255) {
            return Integer.parseInt(words.get(1));
        }
        // a comment is a line of its own: "exit 3 # why" is not taken for "exit 3"
        err.println(words.get(0) + ": N must be a number from 0 to 255" + (words.size() > 2 ? ", alone on its line" : ""));
        err.flush();
        return null;
    }

    /** "cachectl ~/.cachectl (2 running)> " */
    String prompt() {
        String where = home.root().toString();
        String user = env.get("HOME");
        if (user != null && !user.isEmpty() && where.startsWith(user + "/")) {
            where = "~" + where.substring(user.length());
        }
        return "cachectl " + where + " (" + runningInstances() + " running)> ";
    }

    private int runningInstances() {
        if (!Files.isDirectory(home.instancesDir())) {
            return 0;
        }
        StateStore states = new StateStore(home);
        int count = 0;
        for (String name : states.names()) {
            try {
                if (states.read(name).map(s -> ProcessIdentity.of(s.pid()).map(id -> id.matches(s)).orElse(false)).orElse(false)) {
                    count++;
                }
            } catch (RuntimeException damaged) {
                // a state file that cannot be read is not a running instance; status says more
            }
        }
        return count;
    }

    /**
     * HOME/history, only the user's to read (commands may hold URLs with passwords); null, said once on stderr, when
     * it cannot be kept: the shell works without it, and a file it cannot read is left as it is.
     */
    private Path history() {
        Path file = home.root().resolve("history");
        String problem;
        try {
            SecureFiles.ensureDir(home.root());
            if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                Files.createFile(file);
            }
            problem = unreadable(file);
            if (problem == null) {
                SecureFiles.restrict(file);
                return file;
            }
        } catch (IOException e) {
            problem = "cannot be written (" + FileWrites.reason(e) + ")";
        } catch (UncheckedIOException e) {
            problem = "cannot be written (" + FileWrites.reason(e.getCause()) + ")";
        }
        err.println("cachectl: history " + file + " " + problem + ": this session's lines are not kept");
        err.flush();
        return null;
    }

    /** Why the line reader could not load {@code file} as its history (it reads UTF-8 lines), or null when it can. */
    private static String unreadable(Path file) {
        if (Files.isDirectory(file)) {
            return "cannot be read (it is a folder)";
        }
        try (BufferedReader lines = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            while (lines.readLine() != null) {
                // every line decodes, or the reader throws
            }
            return null;
        } catch (CharacterCodingException e) {
            return "cannot be read (not UTF-8 text)";
        } catch (IOException e) {
            return "cannot be read (" + FileWrites.reason(e) + ")";
        }
    }

    private void saveHistory(LineReader reader, Path file) {
        try {
            reader.getHistory().save();
            SecureFiles.restrict(file);
        } catch (IOException e) {
            err.println("could not save the history to " + file + " (" + e.getMessage() + ")");
        }
    }
}
