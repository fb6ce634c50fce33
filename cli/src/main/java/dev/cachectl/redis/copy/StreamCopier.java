package dev.cachectl.redis.copy;

import redis.clients.jedis.commands.JedisBinaryCommands;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.XAddParams;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static dev.cachectl.redis.copy.StructCopier.TEMP_MARKER;
import static dev.cachectl.redis.copy.StructCopier.bytes;
import static dev.cachectl.redis.copy.StructCopier.quoted;

/**
 * The {@link KeyCopy.Loop} for streams: the entries (XRANGE, then XADD with their IDs), the last
 * generated ID, and the consumer groups without their pending entries. On a target older than
 * Redis 7 it falls back to the forms without the entries-added and entries-read counters.
 */
final class StreamCopier {
    /** Lua's C stack (8000 slots) bounds the arguments one redis.call can take from unpack. */
    private static final int SCRIPT_MAX_FIELDS = 1000;
    private static final byte[] XADD_ALL = bytes("""
            local i = 1
            while i <= #ARGV do
              local n = tonumber(ARGV[i + 1])
              redis.call('XADD', KEYS[1], ARGV[i], unpack(ARGV, i + 2, i + 1 + 2 * n))
              i = i + 2 + 2 * n
            end
            return 0""");
    /** Runs ARGV[2..] as one command with KEYS[1] inserted after the first ARGV[1] words: commands Jedis has no method for. */
    private static final byte[] CALL = bytes("""
            local n = tonumber(ARGV[1])
            local a = {}
            for i = 2, n + 1 do a[#a + 1] = ARGV[i] end
            a[#a + 1] = KEYS[1]
            for i = n + 2, #ARGV do a[#a + 1] = ARGV[i] end
            return redis.call(unpack(a))""");
    private static final byte[] EMPTY_STREAM_GROUP = bytes(TEMP_MARKER + "group");

    private final JedisBinaryCommands source;
    private final JedisBinaryCommands target;
    private final ChunkLimits limits;
    /** Cleared when the target rejects a Redis 7 form (XSETID ENTRIESADDED, XGROUP CREATE ENTRIESREAD). */
    private volatile boolean targetKnowsStreamCounters = true;

    StreamCopier(JedisBinaryCommands source, JedisBinaryCommands target, ChunkLimits limits) {
        this.source = source;
        this.target = target;
        this.limits = limits;
    }

    boolean copy(KeyCopy copy) {
        byte[] key = copy.sourceKey();
        byte[] from = bytes("-");
        while (true) {
            byte[] start = from;
            List<StreamReplies.Entry> chunk = StreamReplies.entries(
                    copy.read(() -> source.xrange(key, start, bytes("+"), limits.elements())));
            for (List<StreamReplies.Entry> batch : limits.batches(chunk, StreamReplies.Entry::size)) {
                addEntries(copy, batch);
            }
            from = chunk.size() < limits.elements() ? null : StreamReplies.after(chunk.get(chunk.size() - 1).id());
            if (from == null) {
                break;
            }
            copy.lease();
        }
        // read after the entries, so that the last ID covers every entry copied
        Map<String, Object> info = StreamReplies.fields(copy.read(() -> source.xinfoStream(key)));
        List<StreamReplies.Group> groups = StreamReplies.groups(copy.read(() -> source.xinfoGroups(key)));
        if (copy.elements() == 0) {
            // a stream can exist with no entries; XGROUP CREATE … MKSTREAM is the one way to make one
            copy.write(d -> {
                target.xgroupCreate(d, EMPTY_STREAM_GROUP, bytes("0"), true);
                return target.xgroupDestroy(d, EMPTY_STREAM_GROUP);
            });
        }
        setLastId(copy, info);
        for (StreamReplies.Group group : groups) {
            createGroup(copy, group);
            if (group.pending() > 0) {
                copy.note("stream " + quoted(key) + ": " + group.pending() + " pending entries in group "
                        + quoted(group.name()) + " not copied"
                        + (group.consumers() > 0 ? " (nor its " + group.consumers()
                        + (group.consumers() == 1 ? " consumer)" : " consumers)") : ""));
            }
        }
        return true;
    }

    private void addEntries(KeyCopy copy, List<StreamReplies.Entry> batch) {
        List<byte[]> args = new ArrayList<>();
        for (StreamReplies.Entry entry : batch) {
            if (entry.fields().size() / 2 > SCRIPT_MAX_FIELDS) {
                flushEntries(copy, args);
                copy.write(d -> target.xadd(d, XAddParams.xAddParams().id(entry.id()), entry.asMap()));
            } else {
                args.add(entry.id());
                args.add(bytes(Integer.toString(entry.fields().size() / 2)));
                args.addAll(entry.fields());
            }
            copy.count(1, entry.size());
        }
        flushEntries(copy, args);
    }

    private void flushEntries(KeyCopy copy, List<byte[]> args) {
        if (!args.isEmpty()) {
            List<byte[]> batch = List.copyOf(args);
            copy.write(d -> target.eval(XADD_ALL, List.of(d), batch));
            args.clear();
        }
    }

    /** Keeps the ID new entries are generated after, even when the source's newest entries were deleted. */
    private void setLastId(KeyCopy copy, Map<String, Object> info) {
        byte[] lastId = StreamReplies.bytesOf(info.get("last-generated-id"));
        Object added = info.get("entries-added");
        Object maxDeleted = info.get("max-deleted-entry-id");
        if (targetKnowsStreamCounters && added != null && maxDeleted != null) {
            try {
                call(copy, 1, bytes("XSETID"), lastId, bytes("ENTRIESADDED"), bytes(added.toString()),
                        bytes("MAXDELETEDID"), StreamReplies.bytesOf(maxDeleted));
                return;
            } catch (JedisDataException e) {
                // a server before 7.0 knows only the plain form
                targetKnowsStreamCounters = false;
            }
        }
        call(copy, 1, bytes("XSETID"), lastId);
    }

    private void createGroup(KeyCopy copy, StreamReplies.Group group) {
        if (targetKnowsStreamCounters && group.entriesRead() != null) {
            try {
                call(copy, 2, bytes("XGROUP"), bytes("CREATE"), group.name(), group.lastDeliveredId(),
                        bytes("ENTRIESREAD"), bytes(group.entriesRead().toString()));
                return;
            } catch (JedisDataException e) {
                targetKnowsStreamCounters = false;
            }
        }
        copy.write(d -> target.xgroupCreate(d, group.name(), group.lastDeliveredId(), false));
    }

    private void call(KeyCopy copy, int wordsBeforeKey, byte[]... words) {
        List<byte[]> args = new ArrayList<>(words.length + 1);
        args.add(bytes(Integer.toString(wordsBeforeKey)));
        args.addAll(Arrays.asList(words));
        copy.write(d -> target.eval(CALL, List.of(d), args));
    }
}
