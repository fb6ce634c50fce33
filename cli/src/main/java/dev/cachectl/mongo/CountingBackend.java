package dev.cachectl.mongo;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoVersion;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.wire.message.MongoMessage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * The embedded server's backend (memory or H2) with what mongod has and mongo-java-server lacks: {@code hello}
 * (answered as {@code isMaster}), {@code shutdown} (the server closes its store and exits), and in
 * {@code serverStatus} mongod's per-command counters ({@code metrics.commands.NAME.total}) and resident memory
 * ({@code mem.resident}, MB), so that idle detection and status read the embedded server as they read mongod.
 * It wraps the backend as a proxy of {@link MongoBackend}: its methods name netty's channel, which is not on
 * cachectl's compile path.
 */
final class CountingBackend implements InvocationHandler {
    private final MongoBackend backend;
    private final Runnable onShutdown;
    private final Map<String, LongAdder> commands = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private MongoBackend proxy;

    private CountingBackend(MongoBackend backend, Runnable onShutdown) {
        this.backend = backend;
        this.onShutdown = onShutdown;
    }

    static MongoBackend wrap(MongoBackend backend, Runnable onShutdown) {
        CountingBackend handler = new CountingBackend(backend, onShutdown);
        handler.proxy = (MongoBackend) Proxy.newProxyInstance(MongoBackend.class.getClassLoader(),
                new Class<?>[]{MongoBackend.class}, handler);
        return handler.proxy;
    }

    @Override
    public Object invoke(Object self, Method method, Object[] args) throws Throwable {
        switch (method.getName()) {
            case "handleCommand" -> {
                Document answer = special((String) args[2], (String) args[1]);
                if (answer != null) {
                    return answer;
                }
            }
            case "handleMessage" -> {
                MongoMessage message = (MongoMessage) args[0];
                Document body = message.getDocument();
                Document answer = special(body.isEmpty() ? "" : body.keySet().iterator().next(), message.getDatabaseName());
                if (answer != null) {
                    return answer;
                }
            }
            case "getServerStatus" -> {
                return serverStatus();
            }
            case "close" -> {
                if (closed.compareAndSet(false, true)) {
                    backend.close();
                }
                return null;
            }
            case "version" -> {
                backend.version((MongoVersion) args[0]);
                return proxy;
            }
            case "equals" -> {
                return self == args[0];
            }
            case "hashCode" -> {
                return System.identityHashCode(self);
            }
            case "toString" -> {
                return "counting " + backend;
            }
            default -> {
            }
        }
        try {
            return method.invoke(backend, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** Counts the command; answers the ones the backend does not know, or null to let it answer. */
    private Document special(String command, String databaseName) {
        commands.computeIfAbsent(command, c -> new LongAdder()).increment();
        switch (command) {
            case "hello" -> {
                Document hello = (Document) invokeBackend("handleCommand", null, "admin", "isMaster", new Document("isMaster", 1));
                hello.put("isWritablePrimary", true);
                return hello;
            }
            case "shutdown" -> {
                if (!"admin".equals(databaseName)) {
                    return error("shutdown may only be run against the admin database.", 13, "Unauthorized");
                }
                onShutdown.run();
                return new Document("ok", 1.0);
            }
            case "serverStatus" -> {
                return serverStatus();
            }
            default -> {
                return null;
            }
        }
    }

    private Document serverStatus() {
        Document status = backend.getServerStatus();
        Document metrics = status.get("metrics") instanceof Document m ? m : new Document();
        Document counted = new Document();
        commands.forEach((name, n) -> counted.put(name, new Document("failed", 0L).append("total", n.sum())));
        metrics.put("commands", counted);
        status.put("metrics", metrics);
        status.put("mem", new Document("bits", 64).append("resident", residentMegabytes()).append("supported", true));
        status.put("process", "mongo-java-server");
        status.put("ok", 1.0);
        return status;
    }

    private static long residentMegabytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // no /proc: report the heap in use instead
        }
        Runtime rt = Runtime.getRuntime();
        return (rt.totalMemory() - rt.freeMemory()) / (1024 * 1024);
    }

    /** A backend method by name: those naming a netty channel cannot be called directly here. */
    private Object invokeBackend(String name, Object... args) {
        for (Method m : MongoBackend.class.getMethods()) {
            if (m.getName().equals(name) && m.getParameterCount() == args.length) {
                try {
                    return m.invoke(backend, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        throw new IllegalStateException("no backend method " + name);
    }

    private static Document error(String message, int code, String codeName) {
        return new Document("ok", 0.0).append("errmsg", message).append("code", code).append("codeName", codeName);
    }
}
