package dev.cachectl.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.SocketException;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.Callable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What escapes a command untranslated still reaches the operator as a sentence: a file problem
 * names the file, a lost Redis connection is exit 3, and anything else says it is a bug and how to
 * get the details, with no class name. (No command can be made to fail this way on purpose, so a
 * stand-in command throws; the handler is the one the front door installs.)
 */
class UnexpectedErrorTest {

    @Command(name = "cachectl")
    static final class Throwing implements Callable<Integer> {
        private final RuntimeException failure;

        Throwing(RuntimeException failure) {
            this.failure = failure;
        }

        @Override
        public Integer call() {
            throw failure;
        }
    }

    @Test
    void an_unknown_failure_is_called_a_bug_without_its_class_name() {
        String err = run(new IllegalStateException("state of java.util.HashMap was odd"), 1);
        assertTrue(err.contains("a bug in cachectl"), err);
        assertTrue(err.contains("--verbose"), err);
        assertFalse(NoJavaNamesTest.JAVA_NAME.matcher(err).find(), err);

        String npe = run(new NullPointerException(), 1);
        assertTrue(npe.contains("a bug in cachectl"), npe);
        assertFalse(NoJavaNamesTest.JAVA_NAME.matcher(npe).find(), npe);
    }

    @Test
    void a_file_problem_names_the_file() {
        String err = run(new UncheckedIOException(new NoSuchFileException("/data/users.jsonl")), 1);
        assertTrue(err.contains("no such file or folder: /data/users.jsonl"), err);
        assertFalse(err.contains("bug"), err);

        String ours = run(new UncheckedIOException("cannot write /data/state.json: No space left on device",
                new java.io.IOException("No space left on device")), 1);
        assertTrue(ours.startsWith("cachectl: cannot write /data/state.json: No space left on device"), ours);
    }

    @Test
    void a_lost_redis_connection_is_exit_3_in_words() {
        String err = run(new redis.clients.jedis.exceptions.JedisConnectionException(new SocketException("Connection reset")), 3);
        assertTrue(err.startsWith("cachectl: lost the connection to a Redis server: the server closed the connection"), err);
        assertFalse(NoJavaNamesTest.JAVA_NAME.matcher(err).find(), err);
    }

    private static String run(RuntimeException failure, int expectedExit) {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new Throwing(failure));
        cli.setErr(new PrintWriter(err, true));
        cli.setColorScheme(CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF));
        cli.setExecutionExceptionHandler(new ErrorHandler());
        assertEquals(expectedExit, cli.execute(), err::toString);
        return err.toString();
    }
}
