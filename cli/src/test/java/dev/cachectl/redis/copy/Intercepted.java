package dev.cachectl.redis.copy;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.commands.JedisBinaryCommands;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.function.BiConsumer;

/**
 * A real connection with a hook that sees every command before it is sent: how tests change the
 * source between two chunks, or watch the size of each write, without any mock of Redis.
 */
final class Intercepted {
    private Intercepted() {
    }

    static JedisBinaryCommands before(Jedis connection, BiConsumer<String, Object[]> hook) {
        return (JedisBinaryCommands) Proxy.newProxyInstance(Intercepted.class.getClassLoader(),
                new Class<?>[]{JedisBinaryCommands.class}, (proxy, method, args) -> {
                    hook.accept(method.getName(), args == null ? new Object[0] : args);
                    try {
                        return method.invoke(connection, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
