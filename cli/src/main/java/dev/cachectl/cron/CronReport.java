package dev.cachectl.cron;

import java.util.List;

/**
 * What {@code cron} did, for {@code --json} (docs/schema/cron.schema.json): the config and launcher the
 * lines name, the scheduled jobs, the block, the outcome ({@code printed}, or what {@code --install} /
 * {@code --remove} did or, with {@code dry_run}, would do), and on a dry run the whole crontab it would write.
 */
public record CronReport(String config, String launcher, List<CronBlock.Entry> jobs, List<String> block, String outcome,
                         boolean dryRun, String crontab) {
}
