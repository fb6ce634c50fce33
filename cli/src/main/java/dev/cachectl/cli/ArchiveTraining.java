package dev.cachectl.cli;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The build's training run for the class-data archives, not a command: {@code mvn package} runs it as
 * {@code java -cp cachectl.jar dev.cachectl.cli.ArchiveTraining HOME OUT}. It runs the commands users run
 * most, each in a JVM of its own started as the launcher starts one and told to list the classes it
 * loads ({@code -XX:DumpLoadedClassList}), in a throw-away home: {@code --version}, {@code status},
 * {@code start}, {@code warm} (a JSON Lines file: warm is the daily job whose JVM start counts in its
 * speed), {@code migrate}, {@code run}, {@code stop}, of a Redis and of an embedded MongoDB server.
 * <p>
 * It writes {@code OUT/classlists/COMMAND.classlist} for each command trained (the classes of all its
 * runs), from which the launcher dumps that command's own archive, and {@code OUT/cachectl.classlist}
 * (all of them) for the archive of every other command. An archive is mapped whole, and the JVM moves
 * every page of it to a random address at each start: one of the classes a command uses maps in half
 * the time of one of all of them.
 * <p>
 * Whatever it starts it stops ({@code stop --all} in any case). A step that fails (no redis-server
 * here, say) only makes a list shorter: it is reported on stderr and the run still exits 0.
 */
public final class ArchiveTraining {
    /** The JVM flags of the launcher (cli/src/dist/bin/cachectl) that change which classes load. */
    private static final List<String> JVM_FLAGS = List.of("-XX:-UsePerfData", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");
    private static final long STEP_TIMEOUT_SECONDS = 60;

    private ArchiveTraining() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length != 2) {
            System.err.println("usage: ArchiveTraining HOME OUT");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        Path out = Path.of(args[1]).toAbsolutePath();
        Files.createDirectories(home);
        Path steps = Files.createDirectories(home.resolve("classlists"));
        // strings (an MSET run), with a TTL (SET … PX) and a malformed line: the paths a warm takes
        StringBuilder records = new StringBuilder();
        for (int i = 0; i < 2000; i++) {
            records.append("{\"id\":").append(i).append(",\"value\":\"v").append(i).append("\"}\n");
        }
        records.append("not json\n");
        Files.writeString(home.resolve("training.jsonl"), records);

        Map<String, List<Path>> lists = new LinkedHashMap<>();
        int step = 0;
        try {
            for (List<String> command : List.of(
                    List.of("--version"),
                    List.of("status"),
                    List.of("start", "training", "--port", "auto"),
                    List.of("start", "training-copy", "--port", "auto"),
                    List.of("status"),
                    List.of("status", "training", "--json"),
                    List.of("status", "no-such-instance"),
                    List.of("warm", "training.jsonl", "--to", "training", "--key", "item:{id}", "--value", "value",
                            "--progress", "none"),
                    List.of("warm", "training.jsonl", "--to", "training", "--key", "ttl:{id}", "--ttl", "1h",
                            "--progress", "none"),
                    List.of("migrate", "training", "training-copy", "--progress", "none"),
                    List.of("run", "--with", "training-run", "--", "true"),
                    // and with a server that runs already (shared, not started nor stopped by the run)
                    List.of("run", "--with", "training", "--", "true"),
                    List.of("stop", "training"),
                    List.of("stop", "training-copy"),
                    // the MongoDB driver's classes, which a mongo start and status load
                    List.of("start", "training-mongo", "--engine", "mongo", "--port", "auto"),
                    List.of("status", "training-mongo"),
                    List.of("stop", "training-mongo"))) {
                String name = command.get(0).startsWith("-") ? "" : command.get(0);
                Path list = steps.resolve(String.format("%02d-%s.classlist", step++, name.isEmpty() ? "none" : name));
                run(home, command, list, false);
                lists.computeIfAbsent(name, k -> new ArrayList<>()).add(list);
            }
        } finally {
            run(home, List.of("stop", "--all", "--timeout", "5s"), null, true);
        }

        Path perCommand = Files.createDirectories(out.resolve("classlists"));
        Set<String> all = new LinkedHashSet<>();
        for (Map.Entry<String, List<Path>> command : lists.entrySet()) {
            Set<String> lines = union(command.getValue());
            all.addAll(lines);
            if (!command.getKey().isEmpty()) {
                Files.write(perCommand.resolve(command.getKey() + ".classlist"), lines);
            }
        }
        Files.write(out.resolve("cachectl.classlist"), all);
        System.exit(0);
    }

    /** The lines of the lists (classes, lambda proxies and forms), each once, in their first order. */
    private static Set<String> union(List<Path> lists) throws IOException {
        Set<String> lines = new LinkedHashSet<>();
        for (Path list : lists) {
            if (Files.isRegularFile(list)) {
                for (String line : Files.readAllLines(list)) {
                    if (!line.isBlank() && !line.startsWith("#")) {
                        lines.add(line);
                    }
                }
            }
        }
        return lines;
    }

    /** Runs {@code cachectl COMMAND} in a JVM of its own, as the launcher would, listing its classes to {@code list}. */
    private static void run(Path home, List<String> command, Path list, boolean quiet) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>();
        argv.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (list != null) {
            argv.add("-XX:DumpLoadedClassList=" + list);
        }
        argv.addAll(JVM_FLAGS);
        argv.add("-cp");
        argv.add(System.getProperty("java.class.path"));
        argv.add("dev.cachectl.Cachectl");
        argv.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(argv).directory(home.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().keySet().removeIf(k -> k.startsWith("REDIS_") || k.startsWith("MONGODB_") || k.startsWith("CACHECTL_"));
        pb.environment().put("CACHECTL_HOME", home.toString());
        Path err = home.resolve("step.err");
        pb.redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(STEP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            System.err.printf("archive training: 'cachectl %s' did not end in %d s%n", String.join(" ", command), STEP_TIMEOUT_SECONDS);
            return;
        }
        int code = p.exitValue();
        // the training file's malformed line makes a warm exit 4, as it should
        if (code != 0 && !quiet && !command.contains("no-such-instance") && !(command.get(0).equals("warm") && code == 4)) {
            System.err.printf("archive training: 'cachectl %s' exited %d: %s%n", String.join(" ", command), code,
                    Files.readString(err).strip());
        }
    }
}
