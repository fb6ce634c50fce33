package dev.cachectl.cron;

import dev.cachectl.CachectlException;
import dev.cachectl.config.Config;
import dev.cachectl.config.WarmJobDefinition;
import dev.cachectl.util.Durations;
import dev.cachectl.warm.WarmJobs;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The crontab lines for the scheduled warm jobs of one config file, between marker lines that name the
 * file, so {@code cron --install} finds and replaces its own block and nothing else. Every path is
 * absolute (cron starts in the user's home, with a bare environment), every value is shell-quoted, and
 * no {@code %} is left unescaped (cron turns a bare one into a newline).
 */
public record CronBlock(Path config, List<Entry> entries) {
    /** Grace between the SIGTERM of {@code timeout} (warm stops cleanly on it) and its SIGKILL. */
    static final int KILL_AFTER_SECONDS = 30;

    /** One scheduled job: its name, its schedule as written into the crontab, its timeout (null: none), and the whole line. */
    public record Entry(String job, String schedule, Long timeoutSeconds, String line) {
    }

    /** What the lines run: the launcher, the home, and variables the job needs from here (JAVA_HOME). */
    public record Invocation(Path launcher, Path home, Map<String, String> variables) {
    }

    /**
     * The block for {@code config}'s jobs that have a {@code schedule}; a bad schedule or timeout, or a job that
     * {@code warm --job} would refuse on its settings, is exit 2.
     */
    public static CronBlock of(Config config, Invocation how) {
        if (config.source() == null) {
            throw CachectlException.usage("no config file: cron writes the scheduled warm jobs of a cachectl.yaml"
                    + " (here, --config FILE or CACHECTL_CONFIG)");
        }
        Path file = config.source().toAbsolutePath().normalize();
        List<Entry> entries = new ArrayList<>();
        config.jobs().forEach((name, job) -> {
            if (job.schedule() == null) {
                if (job.timeout() != null) {
                    throw config.settingError("is set, but the job has no schedule: cron runs scheduled jobs only",
                            "jobs", name, "timeout");
                }
                return;
            }
            entries.add(entry(config, name, job, file, how));
            // what cron runs unattended must not fail on its settings every time: checked as 'warm --job' checks them
            WarmJobs.check(name, config);
        });
        return new CronBlock(file, List.copyOf(entries));
    }

    private static Entry entry(Config config, String name, WarmJobDefinition job, Path file, Invocation how) {
        String schedule;
        try {
            schedule = CronSchedule.check(job.schedule());
        } catch (IllegalArgumentException e) {
            throw config.settingError(e.getMessage(), "jobs", name, "schedule");
        }
        Long seconds = job.timeout() == null ? null : (timeout(config, name, job.timeout()).toMillis() + 999) / 1000;
        StringBuilder line = new StringBuilder(schedule).append(' ');
        how.variables().forEach((k, v) -> line.append(k).append('=').append(quote(v)).append(' '));
        if (seconds != null) {
            line.append("timeout -k ").append(KILL_AFTER_SECONDS).append(' ').append(seconds).append(' ');
        }
        line.append(quote(how.launcher().toString())).append(" --home ").append(quote(how.home().toString()))
                .append(" --config ").append(quote(file.toString())).append(" --quiet warm --job ").append(quote(name));
        return new Entry(name, schedule, seconds, line.toString());
    }

    private static Duration timeout(Config config, String name, String text) {
        try {
            Duration d = Durations.parse(text);
            if (d.isZero() || d.isNegative()) {
                throw new IllegalArgumentException("must be longer than 0s");
            }
            return d;
        } catch (IllegalArgumentException e) {
            throw config.settingError("'" + text + "': " + e.getMessage(), "jobs", name, "timeout");
        }
    }

    public String beginMarker() {
        return "# BEGIN cachectl " + config;
    }

    public String endMarker() {
        return "# END cachectl " + config;
    }

    /** The block as it goes into the crontab, markers included; no lines at all when no job is scheduled. */
    public List<String> lines() {
        if (entries.isEmpty()) {
            return List.of();
        }
        List<String> lines = new ArrayList<>();
        lines.add(beginMarker());
        lines.add("# written by 'cachectl cron --install': change the jobs in the config file and run it again");
        entries.forEach(e -> lines.add(e.line()));
        lines.add(endMarker());
        return lines;
    }

    /**
     * A word as {@code sh} reads it back unchanged, in single quotes, for a crontab line: a newline cannot
     * be written there at all, and cron itself turns {@code \%} back into {@code %} before the shell sees it.
     */
    static String quote(String word) {
        if (word.indexOf('\n') >= 0 || word.indexOf('\r') >= 0) {
            throw CachectlException.usage("'" + word.replace("\n", "\\n").replace("\r", "\\r")
                    + "' has a line break, which a crontab line cannot hold");
        }
        return ("'" + word.replace("'", "'\\''") + "'").replace("%", "\\%");
    }
}
