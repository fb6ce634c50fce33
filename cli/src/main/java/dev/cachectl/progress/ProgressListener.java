package dev.cachectl.progress;

/**
 * What a long job tells the person or log watching it. The core calls it; the command picks how
 * it shows (a bar on a terminal, periodic log lines, nothing). Calls may come from several
 * worker threads; counts are cumulative.
 */
public interface ProgressListener {

    /** The job begins; {@code total} items expected, or -1 when unknown. */
    void started(String job, long total);

    /** {@code items} and {@code bytes} more are done. */
    void advanced(long items, long bytes);

    /** A few words on where a job stands that counts do not say (a live follow's lag), shown with the next line. */
    default void detail(String text) {
    }

    /** The job ended (successfully or not); a bar clears its line. */
    void finished();

    static ProgressListener none() {
        return new ProgressListener() {
            @Override
            public void started(String job, long total) {
            }

            @Override
            public void advanced(long items, long bytes) {
            }

            @Override
            public void finished() {
            }
        };
    }
}
