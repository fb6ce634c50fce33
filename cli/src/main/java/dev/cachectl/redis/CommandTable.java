package dev.cachectl.redis;

import dev.cachectl.config.Endpoint;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisException;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where each command of a server keeps its keys, as the server itself says ({@code COMMAND}: first
 * key, last key, step, and whether the keys move with the arguments), and which data type it works
 * on (its ACL categories: {@code @string}, {@code @hash}…). What the live follow of a replication
 * stream needs to filter, rename and route every write. Commands whose keys move ({@code movablekeys})
 * are asked about one by one ({@code COMMAND GETKEYS}); they are rare in a replication stream, where
 * scripts and functions arrive as their effects.
 */
public final class CommandTable implements AutoCloseable {
    /** A command's key positions and categories; {@code first} 0 means no keys. */
    public record Spec(int first, int last, int step, boolean movable, List<String> categories) {
    }

    private static final Spec NO_KEYS = new Spec(0, 0, 0, false, List.of());

    private final Map<String, Spec> specs;
    private final Endpoint source;
    private final Duration timeout;
    private Jedis getkeys;

    private CommandTable(Map<String, Spec> specs, Endpoint source, Duration timeout) {
        this.specs = specs;
        this.source = source;
        this.timeout = timeout;
    }

    /** Reads the table from {@code source}, waiting up to {@code timeout} for each reply (exit 3 when it does not answer). */
    public static CommandTable of(Endpoint source, Duration timeout) {
        Map<String, Spec> specs = new HashMap<>();
        try (Jedis jedis = RedisClients.open(source, timeout)) {
            Object reply = jedis.sendCommand(Protocol.Command.COMMAND);
            for (Object entry : (List<?>) reply) {
                List<?> fields = (List<?>) entry;
                String name = text(fields.get(0)).toUpperCase(Locale.ROOT);
                boolean movable = ((List<?>) fields.get(2)).stream().anyMatch(f -> text(f).equals("movablekeys"));
                List<String> categories = new ArrayList<>();
                if (fields.size() > 6 && fields.get(6) instanceof List<?> acl) {
                    acl.forEach(c -> categories.add(text(c)));
                }
                specs.put(name, new Spec((int) (long) (Long) fields.get(3), (int) (long) (Long) fields.get(4),
                        (int) (long) (Long) fields.get(5), movable, List.copyOf(categories)));
            }
        } catch (JedisException e) {
            throw RedisClients.translate(source, e);
        }
        return new CommandTable(specs, source, timeout);
    }

    public Spec spec(String upperName) {
        return specs.getOrDefault(upperName, NO_KEYS);
    }

    /** The indexes in {@code command} that hold keys. */
    public int[] keyIndexes(String upperName, byte[][] command) {
        Spec spec = spec(upperName);
        if (spec.movable()) {
            return askedKeys(command);
        }
        if (spec.first() <= 0 || spec.first() >= command.length) {
            return new int[0];
        }
        int last = spec.last() < 0 ? command.length + spec.last() : Math.min(spec.last(), command.length - 1);
        int step = Math.max(1, spec.step());
        List<Integer> at = new ArrayList<>();
        for (int i = spec.first(); i <= last; i += step) {
            at.add(i);
        }
        return at.stream().mapToInt(Integer::intValue).toArray();
    }

    /** COMMAND GETKEYS names the keys, not where they are: they are found among the arguments in order. */
    private int[] askedKeys(byte[][] command) {
        List<byte[]> keys;
        try {
            if (getkeys == null) {
                getkeys = RedisClients.open(source, timeout);
            }
            byte[][] args = new byte[command.length + 1][];
            args[0] = "GETKEYS".getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(command, 0, args, 1, command.length);
            Object reply = getkeys.sendCommand(Protocol.Command.COMMAND, args);
            keys = new ArrayList<>();
            for (Object k : (List<?>) reply) {
                keys.add((byte[]) k);
            }
        } catch (JedisException e) {
            // "the command has no key arguments" and the like
            return new int[0];
        }
        List<Integer> at = new ArrayList<>();
        int from = 1;
        for (byte[] key : keys) {
            for (int i = from; i < command.length; i++) {
                if (java.util.Arrays.equals(command[i], key)) {
                    at.add(i);
                    from = i + 1;
                    break;
                }
            }
        }
        return at.stream().mapToInt(Integer::intValue).toArray();
    }

    private static String text(Object o) {
        return o instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(o);
    }

    @Override
    public void close() {
        if (getkeys != null) {
            getkeys.close();
        }
    }
}
