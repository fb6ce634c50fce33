package dev.cachectl.cron;

import dev.cachectl.CachectlException;
import dev.cachectl.ExitCode;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The user's crontab, through the {@code crontab} command ({@code crontab -l} to read it,
 * {@code crontab -} to replace it), or another program that behaves the same, named by
 * {@code --crontab} or {@code CACHECTL_CRONTAB}.
 */
public final class Crontab {
    public static final String VARIABLE = "CACHECTL_CRONTAB";
    /** How long one {@code crontab -l} or {@code crontab -} may take; tests shorten it. */
    static volatile Duration deadline = Duration.ofSeconds(30);

    private final Path program;
    private final Map<String, String> env;
    private final Path workingDir;

    private Crontab(Path program, Map<String, String> env, Path workingDir) {
        this.program = program;
        this.env = env;
        this.workingDir = workingDir;
    }

    /** {@code named} (a path or a name on PATH), else {@code $CACHECTL_CRONTAB}, else {@code crontab}; missing is exit 1. */
    public static Crontab locate(String named, Map<String, String> env, Path workingDir) {
        String name = named != null ? named : env.getOrDefault(VARIABLE, "");
        name = name.isBlank() ? "crontab" : name.trim();
        Path found = null;
        if (name.contains("/")) {
            found = workingDir.resolve(name).toAbsolutePath().normalize();
        } else {
            found = onPath(name, env);
        }
        if (found == null || !Files.isRegularFile(found) || !Files.isExecutable(found)) {
            throw CachectlException.failed("no " + name + " command " + (name.contains("/") ? "at that path" : "on PATH")
                    + ": install cron (it brings crontab), or print the block with 'cachectl cron' and add it by hand");
        }
        return new Crontab(found, env, workingDir);
    }

    /** The first executable file {@code name} in the directories of {@code $PATH}, or null. */
    static Path onPath(String name, Map<String, String> env) {
        for (String dir : env.getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = dir.isEmpty() ? null : Path.of(dir, name).toAbsolutePath();
            if (candidate != null && Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    public Path program() {
        return program;
    }

    /** The current crontab; empty when the user has none yet. */
    public byte[] read() {
        Ran ran = run(new byte[0], "-l");
        if (ran.code() != 0) {
            // "no crontab for alice": cron's way of saying it is empty
            if (ran.err().toLowerCase(java.util.Locale.ROOT).contains("no crontab")) {
                return new byte[0];
            }
            throw failure("crontab -l", ran);
        }
        return ran.out();
    }

    public void write(byte[] content) {
        Ran ran = run(content, "-");
        if (ran.code() != 0) {
            throw failure("crontab -", ran);
        }
    }

    private CachectlException failure(String what, Ran ran) {
        String why = ran.err().strip().lines().reduce((a, b) -> b).orElse("");
        return CachectlException.failed(what + " (" + program + ") failed with exit code " + ran.code()
                + (why.isEmpty() ? "" : ": " + why));
    }

    private record Ran(int code, byte[] out, String err) {
    }

    /**
     * SIGKILL to the helper and every process under it (a wrapper script's {@code sleep}, an editor), as
     * {@code run} ends its command's tree: the whole tree is read first, parents before children, because once
     * a parent dies its children move to init and can no longer be found from the helper.
     */
    private static void killTree(Process helper) {
        // the snapshot first: once the helper dies, its children move to init and are no longer its descendants
        List<ProcessHandle> tree = helper.descendants().toList();
        helper.destroyForcibly();
        tree.forEach(ProcessHandle::destroyForcibly);
        try {
            helper.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Ran run(byte[] input, String argument) {
        Path in = null;
        Path out = null;
        Path err = null;
        try {
            in = Files.createTempFile("cachectl-crontab-", ".in");
            out = Files.createTempFile("cachectl-crontab-", ".out");
            err = Files.createTempFile("cachectl-crontab-", ".err");
            Files.write(in, input);
            ProcessBuilder pb = new ProcessBuilder(List.of(program.toString(), argument)).directory(workingDir.toFile())
                    .redirectInput(in.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.environment().clear();
            pb.environment().putAll(env);
            Process p = pb.start();
            Duration limit = deadline;
            boolean finished;
            try {
                finished = p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                killTree(p);
                throw e;
            }
            if (!finished) {
                killTree(p);
                throw CachectlException.failed(program + " " + argument + " did not finish within " + limit.toSeconds()
                        + " s (it was stopped, with every process it had started)");
            }
            return new Ran(p.exitValue(), Files.readAllBytes(out), new String(Files.readAllBytes(err), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw CachectlException.failed("cannot run " + program + ": " + CachectlException.withoutJavaNames(e.getMessage()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CachectlException(ExitCode.INTERRUPTED, "interrupted while " + program + " ran");
        } finally {
            for (Path p : new Path[] {in, out, err}) {
                if (p != null) {
                    p.toFile().delete();
                }
            }
        }
    }
}
