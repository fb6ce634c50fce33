package dev.cachectl.bench;

/**
 * One client of a server whose driver answers each request before the next is sent (MongoDB's): a GET and a
 * SET of one key, and the preload's SETs of many keys in one request. Each is used by one thread of
 * {@link BlockingLoadLoop}. A request the server answers with an error throws {@link Refused} (counted, the
 * run goes on); a server that no longer answers throws {@link Lost} (the run stops, exit 3).
 */
public interface BlockingClient {

    /** Reads {@code key}: true when it exists (a hit). */
    boolean get(String key);

    /** Writes {@code value} under {@code key}. */
    void set(String key, byte[] value);

    /** Writes {@code values[i]} under {@code keys[i]}, for i below {@code n}, in one request. */
    void setAll(String[] keys, byte[][] values, int n);

    /** The server answered with an error, as the operator should read it. */
    final class Refused extends RuntimeException {
        public Refused(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The server no longer answers: why, as the operator should read it. */
    final class Lost extends RuntimeException {
        public Lost(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
