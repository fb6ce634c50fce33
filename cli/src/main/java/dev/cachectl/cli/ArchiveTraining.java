package dev.cachectl.cli;

import dev.cachectl.Cachectl;
import dev.cachectl.Environment;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The build's training run for the class-data archive, not a command: {@code mvn package} runs it as
 * {@code java -XX:DumpLoadedClassList=cachectl.classlist -cp cachectl.jar dev.cachectl.cli.ArchiveTraining HOME}
 * and the launcher dumps the archive from that list. It runs the commands users run most, through the
 * front door, in a throw-away home: {@code --version}, {@code status}, {@code start}, {@code warm} (a JSON Lines
 * file: warm is the daily job whose JVM start counts in its speed), {@code stop} (of a Redis and of an embedded
 * MongoDB server).
 * Whatever it starts it stops ({@code stop --all} in any case). A step that fails (no redis-server
 * here, say) only makes the list shorter: it is reported on stderr and the run still exits 0.
 */
public final class ArchiveTraining {

    private ArchiveTraining() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: ArchiveTraining HOME");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        Files.createDirectories(home);
        Map<String, String> variables = new HashMap<>(System.getenv());
        variables.keySet().removeIf(k -> k.startsWith("REDIS_") || k.startsWith("MONGODB_") || k.startsWith("CACHECTL_"));
        variables.put("CACHECTL_HOME", home.toString());
        // with the process's signals watched, as main runs every command (a start watches them while it waits)
        Environment env = new Environment(Map.copyOf(variables), home, System.in, false)
                .withSignals(Signals.of(new PrintWriter(System.err, true), System::exit));
        // strings (an MSET run), with a TTL (SET … PX) and a malformed line: the paths a warm takes
        StringBuilder records = new StringBuilder();
        for (int i = 0; i < 2000; i++) {
            records.append("{\"id\":").append(i).append(",\"value\":\"v").append(i).append("\"}\n");
        }
        records.append("not json\n");
        Files.writeString(home.resolve("training.jsonl"), records);
        try {
            for (List<String> command : List.of(
                    List.of("--version"),
                    List.of("status"),
                    List.of("start", "training", "--port", "auto"),
                    List.of("status"),
                    List.of("status", "training", "--json"),
                    List.of("status", "no-such-instance"),
                    List.of("warm", "training.jsonl", "--to", "training", "--key", "item:{id}", "--value", "value",
                            "--progress", "none"),
                    List.of("warm", "training.jsonl", "--to", "training", "--key", "ttl:{id}", "--ttl", "1h",
                            "--progress", "none"),
                    List.of("stop", "training"),
                    // the MongoDB driver's classes, which a mongo start and status load
                    List.of("start", "training-mongo", "--engine", "mongo", "--port", "auto"),
                    List.of("status", "training-mongo"),
                    List.of("stop", "training-mongo"))) {
                run(env, command, false);
            }
        } finally {
            run(env, List.of("stop", "--all", "--timeout", "5s"), true);
        }
        System.exit(0);
    }

    private static void run(Environment env, List<String> command, boolean quiet) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Cachectl.run(new PrintWriter(out), new PrintWriter(err), env, command.toArray(String[]::new));
        // the training file's malformed line makes a warm exit 4, as it should
        if (code != 0 && !quiet && !command.contains("no-such-instance") && !(command.get(0).equals("warm") && code == 4)) {
            System.err.printf("archive training: 'cachectl %s' exited %d: %s%n", String.join(" ", command), code, err.toString().strip());
        }
    }
}
