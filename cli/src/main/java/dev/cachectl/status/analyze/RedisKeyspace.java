package dev.cachectl.status.analyze;

import dev.cachectl.CachectlException;
import dev.cachectl.ExitCode;
import dev.cachectl.batch.RateLimiter;
import dev.cachectl.config.Endpoint;
import dev.cachectl.redis.ClusterNodes;
import dev.cachectl.redis.RedisClients;
import dev.cachectl.redis.RedisInfo;
import dev.cachectl.redis.resp.RespPipe;
import dev.cachectl.redis.resp.RespReader;
import dev.cachectl.redis.resp.RespWriter;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reads a Redis keyspace for an analysis: every master of a cluster, every db. Keys come from SCAN on
 * one connection; on a second, pipelined, each batch gets TYPE, MEMORY USAGE (SAMPLES 5) and PTTL, and
 * once its types are known, the O(1) element count of its type (STRLEN, LLEN, SCARD, ZCARD, HLEN, XLEN),
 * while the next batches are already scanned and sent: up to {@link #BATCHES_IN_FLIGHT} are unanswered,
 * so the server never waits on us. Nothing here walks a key whole.
 */
final class RedisKeyspace implements KeyspaceSource {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final int BATCHES_IN_FLIGHT = 12;
    private static final byte[] ZERO = {'0'};
    private static final Map<String, byte[]> COUNTS = Map.of(
            "string", bytes("STRLEN"), "list", bytes("LLEN"), "set", bytes("SCARD"),
            "zset", bytes("ZCARD"), "hash", bytes("HLEN"), "stream", bytes("XLEN"));
    private static final byte[] TYPE = bytes("TYPE");
    private static final byte[] MEMORY = bytes("MEMORY");
    private static final byte[] USAGE = bytes("USAGE");
    private static final byte[] SAMPLES = bytes("SAMPLES");
    private static final byte[] PTTL = bytes("PTTL");

    private final Endpoint endpoint;
    private final int scanCount;
    private final boolean full;
    private final long rateLimit;
    private final Map<String, Endpoint> nodes = new LinkedHashMap<>();

    RedisKeyspace(Endpoint endpoint, AnalysisSettings settings) {
        this.endpoint = endpoint;
        this.scanCount = settings.scanCount();
        this.full = settings.full();
        this.rateLimit = settings.rate();
    }

    @Override
    public List<Server> servers() {
        List<Endpoint> targets = new ArrayList<>();
        if (endpoint.cluster()) {
            ClusterNodes.fetch(endpoint, TIMEOUT).stream()
                    .filter(n -> n.master() && n.trouble() == null && !n.slots().isEmpty())
                    .forEach(n -> targets.add(endpoint.atNode(n.host(), n.port())));
        } else {
            targets.add(endpoint.withDb(0));
        }
        List<Server> servers = new ArrayList<>();
        for (Endpoint node : targets) {
            try (Jedis jedis = RedisClients.open(node, TIMEOUT)) {
                RedisInfo info = RedisInfo.parse(jedis.info());
                Map<Integer, Long> dbs = new LinkedHashMap<>();
                info.keyspace().forEach((db, k) -> dbs.put(Integer.parseInt(db.substring(2)), k.keys()));
                String address = node.host() + ":" + node.port();
                nodes.put(address, node);
                servers.add(new Server(address, info.get("run_id"), info.number("used_memory"), dbs));
            } catch (JedisException e) {
                throw RedisClients.translate(node, e);
            }
        }
        return servers;
    }

    @Override
    public void read(Server server, int db, long quota, ShardTally tally, RateLimiter rate) {
        Endpoint node = nodes.get(server.address()).withDb(db);
        try (Jedis scanner = RedisClients.open(node, TIMEOUT);
             RespPipe pipe = RespPipe.open("analysed server", node, TIMEOUT, TIMEOUT, "analyze " + server.address())) {
            new ShardRead(scanner, pipe, quota, tally, rate).run();
        } catch (JedisException e) {
            throw RedisClients.translate(node, e);
        }
    }

    /** One db of one server, read with SCAN ahead of the pipelined questions about the keys found. */
    private final class ShardRead {
        private final Jedis scanner;
        private final RespPipe pipe;
        private final long quota;
        private final ShardTally tally;
        private final RateLimiter rate;
        /** Batches whose types are known and whose element counts are to be asked. */
        private final LinkedBlockingQueue<Batch> typed = new LinkedBlockingQueue<>();
        private final AtomicInteger outstanding = new AtomicInteger();
        /** Put in {@link #typed} when a batch is done, to wake the scanning thread waiting for room. */
        private final Batch finished = new Batch(new byte[0][]);
        private volatile String refused;

        ShardRead(Jedis scanner, RespPipe pipe, long quota, ShardTally tally, RateLimiter rate) {
            this.scanner = scanner;
            this.pipe = pipe;
            this.quota = quota;
            this.tally = tally;
            this.rate = rate;
        }

        void run() {
            noTouch();
            // under --rate, pages of a tenth of a second's keys, so that none is a burst
            ScanParams params = new ScanParams().count(rate == null ? scanCount : (int) Math.max(10, Math.min(scanCount, rateLimit / 10)));
            Set<ByteBuffer> seen = full ? null : new HashSet<>();
            byte[] cursor = ZERO;
            boolean scanned = quota <= 0;
            long taken = 0;
            try {
                while (true) {
                    check();
                    Batch ready = typed.poll();
                    if (ready == finished) {
                        continue;
                    }
                    if (ready != null) {
                        ready.sendCounts();
                    } else if (!scanned && outstanding.get() < BATCHES_IN_FLIGHT) {
                        ScanResult<byte[]> page = scanner.scan(cursor, params);
                        cursor = page.getCursorAsBytes();
                        scanned = Arrays.equals(cursor, ZERO);
                        List<byte[]> keys = new ArrayList<>(page.getResult().size());
                        for (byte[] key : page.getResult()) {
                            // SCAN may return a key twice (while the server rehashes); a sample counts it once
                            if (taken + keys.size() < quota && (seen == null || seen.add(ByteBuffer.wrap(key)))) {
                                keys.add(key);
                            }
                        }
                        taken += keys.size();
                        scanned |= taken >= quota;
                        if (!keys.isEmpty()) {
                            if (rate != null) {
                                rate.acquire(keys.size());
                            }
                            new Batch(keys.toArray(new byte[0][])).sendFacts();
                        }
                    } else if (scanned && outstanding.get() == 0) {
                        break;
                    } else {
                        ready = typed.poll(100, TimeUnit.MILLISECONDS);
                        if (ready != null && ready != finished) {
                            ready.sendCounts();
                        }
                    }
                }
                pipe.drain();
                check();
                if (rate != null) {
                    rate.acquire(0); // the last page went ahead of its time: the run as a whole keeps to the rate
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CachectlException(ExitCode.INTERRUPTED, "the analysis of " + endpoint + " was interrupted");
            }
        }

        /** Redis 7.2 can leave keys' LRU/LFU as they are while we read them; older servers refuse it, which is fine. */
        private void noTouch() {
            RespWriter w = pipe.encoder();
            w.array(3);
            w.bulk(bytes("CLIENT"));
            w.bulk(bytes("NO-TOUCH"));
            w.bulk(bytes("ON"));
            pipe.send(1, new RespPipe.Replies() {
                @Override
                public void reply(int kind, RespReader reader) {
                    // refused below 7.2: the reads then refresh the keys' idle time, as redis-cli --bigkeys does
                }

                @Override
                public void done(String lost, int answered) {
                    // a lost connection is reported by the next batch
                }
            });
        }

        private void check() {
            if (refused != null) {
                throw CachectlException.failed(endpoint + " refused MEMORY USAGE, which the analysis needs: " + refused);
            }
            if (pipe.lost() != null) {
                throw new CachectlException(ExitCode.DOWN, "the analysis stopped: " + pipe.lost());
            }
        }

        /** Keys of one SCAN page and what the server says of them. */
        private final class Batch {
            final byte[][] keys;
            final String[] types;
            final long[] memory;
            final long[] ttl;
            final long[] elements;
            int[] counted;

            Batch(byte[][] keys) {
                this.keys = keys;
                types = new String[keys.length];
                memory = new long[keys.length];
                ttl = new long[keys.length];
                elements = new long[keys.length];
                Arrays.fill(elements, -1);
            }

            void sendFacts() {
                RespWriter w = pipe.encoder();
                for (byte[] key : keys) {
                    w.array(2);
                    w.bulk(TYPE);
                    w.bulk(key);
                    w.array(5);
                    w.bulk(MEMORY);
                    w.bulk(USAGE);
                    w.bulk(key);
                    w.bulk(SAMPLES);
                    w.bulk(5);
                    w.array(2);
                    w.bulk(PTTL);
                    w.bulk(key);
                }
                outstanding.incrementAndGet();
                if (!pipe.send(3 * keys.length, new Facts())) {
                    outstanding.decrementAndGet();
                }
            }

            void sendCounts() {
                RespWriter w = pipe.encoder();
                for (int i : counted) {
                    w.array(2);
                    w.bulk(COUNTS.get(types[i]));
                    w.bulk(keys[i]);
                }
                if (!pipe.send(counted.length, new Counts())) {
                    outstanding.decrementAndGet();
                }
            }

            boolean exists(int i) {
                return types[i] != null && !"none".equals(types[i]) && memory[i] >= 0 && ttl[i] != -2;
            }

            /** Every key still there, into the tally: on the reply thread, the only one that writes it. */
            void record() {
                for (int i = 0; i < keys.length; i++) {
                    if (exists(i)) {
                        tally.add(keys[i], types[i], memory[i], elements[i], ttl[i] < 0 ? -1 : ttl[i]);
                    }
                }
            }

            /** TYPE, MEMORY USAGE and PTTL of each key, in that order. */
            private final class Facts implements RespPipe.Replies {
                private int at;

                @Override
                public void reply(int kind, RespReader reader) {
                    int i = at / 3;
                    switch (at % 3) {
                        case 0 -> {
                            types[i] = kind == RespReader.STATUS ? reader.statusText() : null;
                            count("none".equals(types[i]));
                        }
                        case 1 -> {
                            memory[i] = kind == RespReader.INTEGER ? reader.integer() : -1;
                            if (kind == RespReader.ERROR && refused == null) {
                                refused = reader.error();
                            }
                        }
                        default -> {
                            ttl[i] = kind == RespReader.INTEGER ? reader.integer() : -2;
                            count(ttl[i] == -2);
                        }
                    }
                    at++;
                }

                @Override
                public void done(String lost, int answered) {
                    if (lost != null) {
                        finish();
                        return;
                    }
                    int n = 0;
                    int[] ask = new int[keys.length];
                    for (int i = 0; i < keys.length; i++) {
                        if (exists(i) && COUNTS.containsKey(types[i])) {
                            ask[n++] = i;
                        }
                    }
                    counted = Arrays.copyOf(ask, n);
                    if (n == 0) {
                        record();
                        finish();
                    } else {
                        typed.add(Batch.this);
                    }
                }
            }

            /** The element count of each key that has one. */
            private final class Counts implements RespPipe.Replies {
                private int at;

                @Override
                public void reply(int kind, RespReader reader) {
                    if (kind == RespReader.INTEGER) {
                        elements[counted[at]] = reader.integer();
                    }
                    count(false); // the key was there at TYPE: a WRONGTYPE (it changed since) was a hit too
                    at++;
                }

                @Override
                public void done(String lost, int answered) {
                    if (lost == null) {
                        record();
                    }
                    finish();
                }
            }
        }

        private void finish() {
            outstanding.decrementAndGet();
            typed.add(finished);
        }

        /** A keyspace hit or miss one of our reads caused (TYPE, PTTL and the counts are lookups Redis counts). */
        private void count(boolean miss) {
            if (miss) {
                tally.misses++;
            } else {
                tally.hits++;
            }
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
