package dev.cachectl.mongo;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.wire.message.MongoMessage;
import de.bwaldvogel.mongo.wire.message.MongoQuery;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The embedded server's backend (memory or H2), counting the commands it serves by name and answering
 * {@code serverStatus} with them under {@code metrics.commands.NAME.total}, as mongod does: mongo-java-server
 * counts nothing itself, and without counts {@link MongoProbe} could not tell a served instance from an idle one.
 * A proxy rather than a class, because the backend interface's signatures name the network library's types,
 * which cachectl does not compile against.
 */
public final class CountedBackend implements InvocationHandler {
    private final MongoBackend delegate;
    private final Map<String, LongAdder> calls = new ConcurrentHashMap<>();
    private MongoBackend self;

    private CountedBackend(MongoBackend delegate) {
        this.delegate = delegate;
    }

    /** {@code delegate}, counting. */
    public static MongoBackend of(MongoBackend delegate) {
        CountedBackend handler = new CountedBackend(delegate);
        handler.self = (MongoBackend) Proxy.newProxyInstance(MongoBackend.class.getClassLoader(),
                new Class<?>[] {MongoBackend.class}, handler);
        return handler.self;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        String command = switch (method.getName()) {
            case "handleMessage" -> commandOf(((MongoMessage) args[0]).getDocument());
            case "handleCommand" -> (String) args[2];
            // a legacy query: a command when on $cmd (the driver's handshake is one), else a find
            case "handleQuery" -> "$cmd".equals(((MongoQuery) args[0]).getCollectionName())
                    ? commandOf(((MongoQuery) args[0]).getQuery()) : "find";
            default -> null;
        };
        if (command != null) {
            calls.computeIfAbsent(command, c -> new LongAdder()).increment();
        }
        Object result;
        try {
            result = method.invoke(delegate, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
        if (method.getName().equals("version")) {
            return self;
        }
        if ("serverStatus".equalsIgnoreCase(command) || method.getName().equals("getServerStatus")) {
            return withCounts(result);
        }
        return result;
    }

    /** Adds the counts to a {@code serverStatus} reply. */
    private Object withCounts(Object reply) {
        if (!(reply instanceof Document status)) {
            return reply;
        }
        Document commands = new Document();
        calls.forEach((name, n) -> commands.put(name, new Document("failed", 0L).append("total", n.sum())));
        Document metrics = status.get("metrics") instanceof Document m ? m : new Document();
        metrics.put("commands", commands);
        status.put("metrics", metrics);
        return status;
    }

    private static String commandOf(Document body) {
        return body == null || body.isEmpty() ? null : body.keySet().iterator().next();
    }
}
